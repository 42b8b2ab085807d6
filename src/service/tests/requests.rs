//! Requests from submission to processing: who sees which, the steps each party may take, the
//! sealed details, receipts, and the payroll software's cursor.

use super::*;
use crate::domain::request::{LeaveKind, RequestDetails, RequestState};
use crate::service::TokenFor;
use crate::store::requests::InboxFilter;

pub(super) fn session(actor: Actor, account: crate::domain::AccountKey) -> CurrentSession {
    CurrentSession {
        actor,
        account,
        username: String::new(),
        role: crate::domain::party::Role::Employee,
        display_name: String::new(),
        language: "nl".into(),
        keeps_backups: false,
        asks_payslip_delivery: false,
        csrf_token: String::new(),
        key: 0,
    }
}

/// The sync client of a token for the bureau with `client_number`.
async fn bureau_client(w: &World, client_number: &str) -> crate::service::ApiClient {
    let token = w
        .services
        .create_token(
            TokenFor::Bureau {
                client_number: client_number.into(),
            },
            "Loket",
        )
        .await
        .unwrap()
        .secret;
    w.services.api_client(&token).await.unwrap().unwrap()
}

fn leave() -> RequestDetails {
    RequestDetails::Leave {
        from: chrono::NaiveDate::from_ymd_opt(2026, 4, 6).unwrap(),
        to: chrono::NaiveDate::from_ymd_opt(2026, 4, 10).unwrap(),
        minutes: 40 * 60,
        leave: LeaveKind::Vacation,
        note: Some("Meivakantie".into()),
    }
}

#[tokio::test]
async fn a_request_goes_from_the_employee_via_its_employer_to_payroll() {
    let w = world().await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let id = w
        .services
        .submit_request(&e1, ctx(), leave(), "", Vec::new())
        .await
        .unwrap();
    // Who sees it: the employee and its employer; not a colleague, another employer, or the
    // bureau (not yet approved).
    assert_eq!(w.services.request(w.e1, id).await.unwrap().details, leave());
    assert_eq!(w.services.requests_waiting(w.r1).await.unwrap(), 1);
    for stranger in [w.e2, w.r0, w.b1, w.b2, w.e0] {
        assert!(
            matches!(
                w.services.request(stranger, id).await,
                Err(ServiceError::NotFound)
            ),
            "{stranger:?}"
        );
    }
    assert!(
        w.services
            .inbox(w.b1, InboxFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    // The details are sealed at rest: no trace of the note in the database file's row.
    let sealed: String = w
        .services
        .store
        .read(move |conn| -> Result<String, crate::store::StoreError> {
            Ok(conn.query_row("SELECT details_sealed FROM requests", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert!(!sealed.contains("Meivakantie"), "{sealed}");

    // Only the employer decides, once.
    assert!(matches!(
        w.services.decide_request(w.e1, ctx(), id, true, "").await,
        Err(ServiceError::Forbidden(_))
    ));
    w.services
        .decide_request(w.r1, ctx(), id, true, "Fijne vakantie")
        .await
        .unwrap();
    assert!(matches!(
        w.services.decide_request(w.r1, ctx(), id, false, "").await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        w.services.withdraw_request(w.e1, ctx(), id).await,
        Err(ServiceError::Forbidden(_))
    ));
    let seen = w.services.request(w.e1, id).await.unwrap();
    assert_eq!(seen.state, RequestState::Approved);
    let steps: Vec<_> = seen.history.iter().map(|e| e.state).collect();
    assert_eq!(steps, vec![RequestState::Submitted, RequestState::Approved]);
    assert_eq!(seen.history[1].comment.as_deref(), Some("Fijne vakantie"));
    assert_eq!(seen.history[1].by_name, "Active BV");

    // Approved: the bureau sees it, and its payroll software fetches and processes it.
    assert_eq!(
        w.services
            .inbox(w.b1, InboxFilter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    let client = bureau_client(&w, "K1").await;
    let approved = w
        .services
        .api_requests(&client, RequestState::Approved, 0, 100)
        .await
        .unwrap();
    assert_eq!(approved.len(), 1);
    let cursor = approved[0].approved_seq.unwrap();
    assert!(
        w.services
            .api_requests(&client, RequestState::Approved, cursor, 100)
            .await
            .unwrap()
            .is_empty(),
        "nothing after the cursor"
    );
    for _ in 0..2 {
        // Idempotent.
        w.services
            .api_mark_processed(&client, ctx(), id)
            .await
            .unwrap();
    }
    assert_eq!(
        w.services.request(w.b1, id).await.unwrap().state,
        RequestState::Processed
    );
    // Another bureau's token reaches nothing.
    let other = bureau_client(&w, "K2").await;
    assert!(matches!(
        w.services.api_mark_processed(&other, ctx(), id).await,
        Err(ServiceError::NotFound)
    ));
    assert!(
        w.services
            .api_requests(&other, RequestState::Processed, 0, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn withdrawn_and_rejected_requests_stay_with_employee_and_employer() {
    let w = world().await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let first = w
        .services
        .submit_request(&e1, ctx(), leave(), "", Vec::new())
        .await
        .unwrap();
    let second = w
        .services
        .submit_request(&e1, ctx(), leave(), "", Vec::new())
        .await
        .unwrap();
    w.services
        .withdraw_request(w.e1, ctx(), first)
        .await
        .unwrap();
    assert!(matches!(
        w.services.withdraw_request(w.r1, ctx(), second).await,
        Err(ServiceError::Forbidden(_))
    ));
    w.services
        .decide_request(w.r1, ctx(), second, false, "Te druk")
        .await
        .unwrap();
    let states: Vec<_> = w
        .services
        .my_requests(w.e1)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.state)
        .collect();
    assert_eq!(
        states,
        vec![RequestState::Rejected, RequestState::Withdrawn]
    );
    let waiting = InboxFilter {
        state: Some(RequestState::Submitted),
        ..InboxFilter::default()
    };
    assert!(w.services.inbox(w.r1, waiting).await.unwrap().is_empty());
    assert_eq!(w.services.requests_waiting(w.r1).await.unwrap(), 0);
    assert!(
        w.services
            .inbox(w.b1, InboxFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn details_are_checked_and_receipts_go_with_expense_claims_only() {
    let w = world().await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let claim = RequestDetails::ExpenseClaim {
        amount_cents: 2350,
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 20).unwrap(),
        description: "Parkeren bij klant".into(),
    };
    let refused = |r: Result<PublicId, ServiceError>| match r {
        Err(ServiceError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        refused(
            w.services
                .submit_request(&e1, ctx(), claim.clone(), "", Vec::new())
                .await
        ),
        "receipts"
    );
    let receipt = || async {
        w.services
            .stage_receipt(w.e1, "bon.jpg", body(b"\xff\xd8\xff\xe0 receipt"))
            .await
            .unwrap()
    };
    let two = vec![receipt().await, receipt().await];
    let id = w
        .services
        .submit_request(&e1, ctx(), claim, "", two)
        .await
        .unwrap();
    let seen = w.services.request(w.r1, id).await.unwrap();
    assert_eq!(seen.receipts.len(), 2);
    let opened = w.services.open_receipt(w.r1, ctx(), id, 2).await.unwrap();
    assert_eq!(opened.media_type, "image/jpeg");
    assert!(matches!(
        w.services.open_receipt(w.e2, ctx(), id, 1).await,
        Err(ServiceError::NotFound)
    ));
    // A receipt with leave is refused, and its file goes.
    let before = w.stored_files();
    let stray = vec![receipt().await];
    assert_eq!(
        refused(
            w.services
                .submit_request(&e1, ctx(), leave(), "", stray)
                .await
        ),
        "receipts"
    );
    assert_eq!(w.stored_files(), before);
    // A bank account needs a valid IBAN and the password again (this account has none set).
    let bank = |iban: &str| RequestDetails::BankAccountChange {
        iban: iban.into(),
        holder: "N. Bakker".into(),
    };
    assert_eq!(
        refused(
            w.services
                .submit_request(&e1, ctx(), bank("NL91ABNA0417164301"), "x", Vec::new())
                .await
        ),
        "iban"
    );
    assert!(matches!(
        w.services
            .submit_request(&e1, ctx(), bank("NL91ABNA0417164300"), "wrong", Vec::new())
            .await,
        Err(ServiceError::WrongPassword)
    ));
    // Only employees submit.
    let r1 = session(w.r1, w.r1.account().unwrap());
    assert!(matches!(
        w.services
            .submit_request(&r1, ctx(), leave(), "", Vec::new())
            .await,
        Err(ServiceError::Forbidden(_))
    ));
}

/// A letter answers a letter request: the request's history names the letter; a letter cannot
/// answer another kind of request, nor one the writer does not see.
#[tokio::test]
async fn a_letter_answers_a_letter_request() {
    use crate::domain::request::LetterKind;
    let w = world().await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let asked = w
        .services
        .submit_request(
            &e1,
            ctx(),
            RequestDetails::LetterRequest {
                letter: LetterKind::EmployerStatement,
                reason: "Hypotheek".into(),
            },
            "",
            Vec::new(),
        )
        .await
        .unwrap();
    let leave_id = w
        .services
        .submit_request(&e1, ctx(), leave(), "", Vec::new())
        .await
        .unwrap();
    assert!(
        w.services
            .request(w.r1, asked)
            .await
            .unwrap()
            .may_answer_with_letter
    );
    assert!(
        !w.services
            .request(w.r1, leave_id)
            .await
            .unwrap()
            .may_answer_with_letter
    );
    let write = |actor, answers| {
        w.services.write_letter(
            actor,
            ctx(),
            crate::service::NewLetter {
                employee: w.e1_public,
                title: "Werkgeversverklaring".to_owned(),
                file_name: "verklaring.pdf".to_owned(),
                answers: Some(answers),
            },
            body(b"%PDF-1.7 verklaring"),
        )
    };
    let before = w.stored_files();
    assert!(matches!(
        write(w.r1, leave_id).await,
        Err(ServiceError::NotFound)
    ));
    // The bureau does not see a submitted request.
    assert!(matches!(
        write(w.b1, asked).await,
        Err(ServiceError::NotFound)
    ));
    assert_eq!(w.stored_files(), before, "a refused letter leaves no file");
    write(w.r1, asked).await.unwrap();
    let history = w.services.request(w.e1, asked).await.unwrap().history;
    let last = history.last().unwrap();
    assert_eq!(last.state, RequestState::Submitted);
    assert_eq!(
        last.comment.as_deref(),
        Some("Brief geplaatst: Werkgeversverklaring")
    );
}

/// Receipts share the room of the employee's own files: a claim that would not fit is refused
/// whole, at staging or at submission, and leaves no file.
#[tokio::test]
async fn receipts_count_against_the_employees_quota() {
    let w = world_with(Settings {
        upload_quota_bytes: 100,
        ..Settings::default()
    })
    .await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let claim = || RequestDetails::ExpenseClaim {
        amount_cents: 500,
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        description: "Parkeren".into(),
    };
    let receipt_bytes = [b'\xff', b'\xd8', b'\xff']
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'x', 57))
        .collect::<Vec<u8>>();
    let stage = || async {
        w.services
            .stage_receipt(w.e1, "bon.jpg", body(&receipt_bytes))
            .await
    };
    // Two receipts of 60 bytes staged at once do not fit 100 together: refused at submission.
    let two = vec![stage().await.unwrap(), stage().await.unwrap()];
    assert!(matches!(
        w.services
            .submit_request(&e1, ctx(), claim(), "", two)
            .await,
        Err(ServiceError::QuotaFull { .. })
    ));
    assert_eq!(w.stored_files(), 0, "refused receipts leave no file");
    // One fits; then the room left is too small for the next.
    let one = vec![stage().await.unwrap()];
    w.services
        .submit_request(&e1, ctx(), claim(), "", one)
        .await
        .unwrap();
    assert!(matches!(stage().await, Err(ServiceError::QuotaFull { .. })));
    assert_eq!(w.stored_files(), 1);
}

/// Requests follow the payroll records' retention: closed ones (withdrawn, rejected, processed)
/// of year Y go with their receipts on 1 January of Y + N + 1, Dutch time; a request still
/// waiting for the employer or for payroll software stays however old.
#[tokio::test]
async fn closed_requests_and_their_receipts_go_with_the_payroll_records() {
    let w = world().await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&Utc)
    };
    w.clock.set(at("2018-06-01T10:00:00Z"));
    let submit = |details: RequestDetails, receipts| {
        let e1 = e1.clone();
        let w = &w;
        async move {
            w.services
                .submit_request(&e1, ctx(), details, "", receipts)
                .await
                .unwrap()
        }
    };
    let withdrawn = submit(leave(), Vec::new()).await;
    w.services
        .withdraw_request(w.e1, ctx(), withdrawn)
        .await
        .unwrap();
    let receipt = w
        .services
        .stage_receipt(w.e1, "bon.png", body(b"\x89PNG\r\n\x1a\n receipt"))
        .await
        .unwrap();
    let claim = RequestDetails::ExpenseClaim {
        amount_cents: 1250,
        date: chrono::NaiveDate::from_ymd_opt(2018, 5, 30).unwrap(),
        description: "Treinkaartje".into(),
    };
    let processed = submit(claim, vec![receipt]).await;
    w.services
        .decide_request(w.r1, ctx(), processed, true, "")
        .await
        .unwrap();
    let client = bureau_client(&w, "K1").await;
    w.services
        .api_mark_processed(&client, ctx(), processed)
        .await
        .unwrap();
    let waiting = submit(leave(), Vec::new()).await;
    let approved = submit(leave(), Vec::new()).await;
    w.services
        .decide_request(w.r1, ctx(), approved, true, "")
        .await
        .unwrap();
    // Closed on the last day of 2018 in Amsterdam (23:30 UTC is already 2019 there).
    w.clock.set(at("2018-12-31T22:30:00Z"));
    let late = submit(leave(), Vec::new()).await;
    w.services
        .decide_request(w.r1, ctx(), late, false, "")
        .await
        .unwrap();
    let files_before = w.stored_files();

    // Through 2025 (2018 + 7) everything is kept.
    w.clock.set(at("2025-12-31T22:59:59Z"));
    assert_eq!(w.services.run_payroll_retention().await.unwrap().count, 0);
    w.clock.set(at("2025-12-31T23:00:01Z"));
    let report = w.services.run_payroll_retention().await.unwrap();
    assert_eq!(report.count, 3, "{report:?}");
    for gone in [withdrawn, processed, late] {
        assert!(
            matches!(
                w.services.request(w.e1, gone).await,
                Err(ServiceError::NotFound)
            ),
            "{gone}"
        );
    }
    for kept in [waiting, approved] {
        assert!(w.services.request(w.e1, kept).await.is_ok(), "{kept}");
    }
    assert_eq!(w.stored_files(), files_before - 1, "the receipt went too");
    let lines = super::retention::purge_lines(&w).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].1["what"], "requests");
    assert_eq!(lines[0].1["count"], 3);
    assert_eq!(w.services.run_payroll_retention().await.unwrap().count, 0);
}

/// The inbox's employee filter is part of the query (not applied to the newest 500 after):
/// any part of the name in any case, or the personnel number.
#[tokio::test]
async fn the_inbox_finds_an_employee_by_name_or_number() {
    let w = world().await;
    let ctx = RequestContext::default;
    for (actor, count) in [(w.e1, 2), (w.e2, 1)] {
        let session = session(actor, actor.account().unwrap());
        for _ in 0..count {
            w.services
                .submit_request(&session, ctx(), leave(), "", Vec::new())
                .await
                .unwrap();
        }
    }
    let by = |text: &str| InboxFilter {
        employee: Some(text.to_owned()),
        ..InboxFilter::default()
    };
    let names = |found: Vec<crate::service::RequestView>| -> Vec<String> {
        found.into_iter().map(|r| r.employee_name).collect()
    };
    assert_eq!(
        names(w.services.inbox(w.r1, by("bakk")).await.unwrap()),
        vec!["Bakker, N"; 2]
    );
    assert_eq!(
        names(w.services.inbox(w.r1, by(" 2 ")).await.unwrap()),
        vec!["Koning, R"]
    );
    assert_eq!(w.services.inbox(w.r1, by("")).await.unwrap().len(), 3);
    // A LIKE wildcard typed is a character, not "anything".
    assert!(w.services.inbox(w.r1, by("%")).await.unwrap().is_empty());
}

/// The payroll software's cursor survives a restore: after the database went back to an
/// earlier state (a snapshot), a new approval is placed beyond every place handed out before,
/// so a cursor that had passed them still sees it.
#[tokio::test]
async fn an_approval_after_a_restore_is_beyond_the_cursor() {
    let w = world().await;
    let e1 = session(w.e1, w.e1.account().unwrap());
    let ctx = RequestContext::default;
    let client = bureau_client(&w, "K1").await;
    let mut cursor = 0;
    for _ in 0..2 {
        let id = w
            .services
            .submit_request(&e1, ctx(), leave(), "", Vec::new())
            .await
            .unwrap();
        w.services
            .decide_request(w.r1, ctx(), id, true, "")
            .await
            .unwrap();
        w.clock.advance(chrono::Duration::seconds(1));
    }
    for seen in w
        .services
        .api_requests(&client, RequestState::Approved, cursor, 100)
        .await
        .unwrap()
    {
        cursor = seen.approved_seq.unwrap();
    }
    // The database goes back to before both approvals, as a restore from a snapshot would.
    w.services
        .store
        .write(|tx| -> Result<usize, crate::store::StoreError> {
            Ok(tx.execute("DELETE FROM requests", [])?)
        })
        .await
        .unwrap();
    w.clock.advance(chrono::Duration::minutes(5));
    let after = w
        .services
        .submit_request(&e1, ctx(), leave(), "", Vec::new())
        .await
        .unwrap();
    w.services
        .decide_request(w.r1, ctx(), after, true, "")
        .await
        .unwrap();
    let next = w
        .services
        .api_requests(&client, RequestState::Approved, cursor, 100)
        .await
        .unwrap();
    assert_eq!(next.len(), 1, "the cursor {cursor} passed the new approval");
    assert_eq!(next[0].id, after);
}
