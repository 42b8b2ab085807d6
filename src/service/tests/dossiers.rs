//! Reading dossiers: what each party sees, years and search, unread, corrections, opening.

use super::*;

#[tokio::test]
async fn each_party_sees_its_part_of_a_dossier() {
    let w = world().await;
    w.payslip(2026, 1).await;
    w.payslip(2026, 2).await;
    w.place(
        Placer::Bureau(w.b1_key),
        w.r1_dossier,
        DocumentKind::SeriesOverview,
        2026,
        month(2),
        b"%PDF-1.7 series",
    )
    .await;
    w.upload(w.e1, "ID-kopie.pdf", b"%PDF-1.4 id")
        .await
        .unwrap();

    let e1 = DossierRef::Employee(w.e1_public);
    let payslips = vec![
        "Loonstrook - februari 2026".to_owned(),
        "Loonstrook - januari 2026".to_owned(),
    ];
    // The employee: its payslips and its own upload.
    assert_eq!(
        w.titles(w.e1, DossierRef::Own, None).await,
        (payslips.clone(), vec!["ID-kopie.pdf".to_owned()])
    );
    // The employer and the bureau see the payslips, not the private upload.
    assert_eq!(w.titles(w.r1, e1, None).await, (payslips.clone(), vec![]));
    assert_eq!(w.titles(w.b1, e1, None).await, (payslips, vec![]));
    // The employer's own dossier holds the series overview.
    assert_eq!(
        w.titles(w.r1, DossierRef::Own, None).await.0,
        vec!["Serie-overzicht - februari 2026".to_owned()]
    );
    assert_eq!(
        w.titles(w.b1, DossierRef::Employer(w.r1_public), None)
            .await
            .0,
        vec!["Serie-overzicht - februari 2026".to_owned()]
    );
    // Everyone else: not found, exactly as for a dossier that does not exist.
    for outsider in [w.e2, w.e0, w.r0, w.b2] {
        let err = w
            .services
            .dossier(outsider, e1, None, DossierSearch::default())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound), "{outsider:?}: {err}");
    }
    let nobody = w
        .services
        .dossier(
            w.r1,
            DossierRef::Employee(PublicId::random()),
            None,
            DossierSearch::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(nobody, ServiceError::NotFound));
}

#[tokio::test]
async fn years_default_to_the_newest_and_search_filters_each_list() {
    let w = world().await;
    w.payslip(2025, 12).await;
    w.payslip(2026, 1).await;
    w.payslip(2026, 2).await;
    let view = w
        .services
        .dossier(w.e1, DossierRef::Own, None, DossierSearch::default())
        .await
        .unwrap();
    assert_eq!(view.years, vec![year(2026), year(2025)]);
    assert_eq!(view.year, year(2026));
    assert_eq!(view.owner_name, "Bakker, N");
    assert!(view.own);
    assert_eq!(
        w.titles(w.e1, DossierRef::Own, Some(2025)).await.0,
        vec!["Loonstrook - december 2025"]
    );
    let search = DossierSearch {
        payroll: Some("JANUARI".to_owned()),
        other: None,
    };
    let found = w
        .services
        .dossier(w.e1, DossierRef::Own, None, search)
        .await
        .unwrap();
    assert_eq!(found.payroll.len(), 1);
    assert_eq!(found.payroll[0].title, "Loonstrook - januari 2026");
    // LIKE wildcards in the search are taken literally.
    let search = DossierSearch {
        payroll: Some("%".to_owned()),
        other: None,
    };
    assert!(
        w.services
            .dossier(w.e1, DossierRef::Own, None, search)
            .await
            .unwrap()
            .payroll
            .is_empty()
    );
}

/// "Overige bestanden" is not tied to the payroll year (seed manual): an ID copy uploaded this
/// year is listed with last year's payslips too, and its search works in any year.
#[tokio::test]
async fn uploads_are_listed_whatever_year_is_chosen() {
    let w = world().await;
    w.payslip(2025, 12).await;
    w.payslip(2026, 1).await;
    let id_copy = w
        .upload(w.e1, "ID-kopie.pdf", b"%PDF-1.4 id")
        .await
        .unwrap();
    w.services
        .share(w.e1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    for (actor, which) in [
        (w.e1, DossierRef::Own),
        (w.r1, DossierRef::Employee(w.e1_public)),
    ] {
        for y in [2025, 2026] {
            let (payroll, other) = w.titles(actor, which, Some(y)).await;
            assert_eq!(payroll.len(), 1, "{actor:?} in {y}");
            assert_eq!(other, vec![id_copy.title.clone()], "{actor:?} in {y}");
        }
    }
    let search = |text: &str| DossierSearch {
        payroll: None,
        other: Some(text.to_owned()),
    };
    let in_2025 = |text| {
        w.services
            .dossier(w.e1, DossierRef::Own, Some(year(2025)), search(text))
    };
    assert_eq!(in_2025("kopie").await.unwrap().other.len(), 1);
    assert!(in_2025("contract").await.unwrap().other.is_empty());
    // The upload adds no payroll year to the selector.
    let view = in_2025("").await.unwrap();
    assert_eq!(view.years, vec![year(2026), year(2025)]);
}

/// Ongelezen lists the newest [`UNREAD_LISTED_UP_TO`] and says when there are more.
#[tokio::test]
async fn ongelezen_says_when_it_lists_only_the_newest() {
    let w = world().await;
    let listed = i64::from(crate::service::UNREAD_LISTED_UP_TO);
    for i in 0..=listed {
        w.payslip(1990 + i / 12, i % 12 + 1).await;
    }
    let (documents, more) = w.services.unread(w.e1, UnreadOrder::Newest).await.unwrap();
    assert_eq!(documents.len() as i64, listed);
    assert!(more);
    assert_eq!(documents[0].summary.year, year(1990 + listed / 12));
    w.services
        .mark_read(
            w.e1,
            RequestContext::default(),
            vec![documents[0].summary.id],
        )
        .await
        .unwrap();
    let (documents, more) = w.services.unread(w.e1, UnreadOrder::Newest).await.unwrap();
    assert_eq!((documents.len() as i64, more), (listed, false));
}

#[tokio::test]
async fn the_unread_count_stops_at_its_cap() {
    let w = world().await;
    let cap = i64::from(crate::service::UNREAD_COUNTED_UP_TO);
    let mut placed = Vec::new();
    for i in 0..cap + 5 {
        placed.push(w.payslip(2015 + i / 12, i % 12 + 1).await.id);
    }
    assert_eq!(
        w.services.unread_count(w.e1).await.unwrap(),
        u64::try_from(cap).unwrap(),
        "more than the cap counts as the cap"
    );
    w.services
        .mark_read(w.e1, RequestContext::default(), placed[..6].to_vec())
        .await
        .unwrap();
    assert_eq!(
        w.services.unread_count(w.e1).await.unwrap(),
        u64::try_from(cap - 1).unwrap(),
        "below the cap the count is exact"
    );
}

#[tokio::test]
async fn unread_until_opened_or_marked() {
    let w = world().await;
    let jan = w.payslip(2026, 1).await;
    let feb = w.payslip(2026, 2).await;
    assert_eq!(w.services.unread_count(w.e1).await.unwrap(), 2);
    assert_eq!(
        w.services.unread_count(w.r1).await.unwrap(),
        0,
        "the employer may open its employees' payslips, but they are not news for it"
    );
    assert_eq!(w.services.unread_count(w.e2).await.unwrap(), 0);

    w.services
        .open_document(w.e1, RequestContext::default(), jan.id, Disposition::Inline)
        .await
        .unwrap();
    w.services.flush_audit().await;
    let unread: Vec<_> = w
        .services
        .unread(w.e1, UnreadOrder::Newest)
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|d| d.summary.id)
        .collect();
    assert_eq!(unread, vec![feb.id]);

    assert_eq!(
        w.services
            .mark_read(w.e1, RequestContext::default(), vec![feb.id])
            .await
            .unwrap(),
        1
    );
    assert_eq!(w.services.unread_count(w.e1).await.unwrap(), 0);
    w.services
        .mark_unread(w.e1, RequestContext::default(), vec![jan.id])
        .await
        .unwrap();
    assert_eq!(w.services.unread_count(w.e1).await.unwrap(), 1);
    // Marking something one cannot see is "not found", and changes nothing.
    let err = w
        .services
        .mark_read(w.e2, RequestContext::default(), vec![jan.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
}

/// Ongelezen counts what is addressed to a party (SPEC.md Part 2, "Ongelezen (revised)"), and
/// each row says whom it is from.
#[tokio::test]
async fn news_is_what_is_addressed_to_the_party() {
    let w = world().await;
    w.payslip(2026, 1).await;
    let overview = w
        .place(
            Placer::Bureau(w.b1_key),
            w.r1_dossier,
            DocumentKind::SeriesOverview,
            2026,
            month(1),
            b"%PDF-1.7 overview",
        )
        .await;
    let id_copy = w.upload(w.e1, "id.pdf", b"%PDF-1.7 id").await.unwrap();
    let employer_upload = w.upload(w.r1, "contract.pdf", b"%PDF-1.7 c").await.unwrap();
    let news = |actor| {
        let services = &w.services;
        async move {
            services
                .unread(actor, UnreadOrder::Newest)
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|d| (d.summary.title, d.from))
                .collect::<Vec<_>>()
        }
    };
    let bureau_name = Some("Salarisbureau Bakker".to_owned());
    assert_eq!(
        news(w.r1).await,
        vec![(overview_title(&w, overview.id).await, bureau_name.clone())],
        "the employer's news: the report its bureau placed, not its employee's payslip"
    );
    assert_eq!(
        news(w.b1).await,
        vec![],
        "nothing is shared with the bureau yet"
    );

    // Sharing makes news for the party shared with, naming whose file it is.
    let ctx = RequestContext::default;
    w.services
        .share(w.e1, ctx(), vec![id_copy.id])
        .await
        .unwrap();
    w.services
        .share(w.r1, ctx(), vec![employer_upload.id])
        .await
        .unwrap();
    assert_eq!(w.services.unread_count(w.r1).await.unwrap(), 2);
    let employer_news = news(w.r1).await;
    assert!(
        employer_news.contains(&(id_copy.title.clone(), Some("Bakker, N".to_owned()))),
        "{employer_news:?}"
    );
    assert_eq!(
        news(w.b1).await,
        vec![(employer_upload.title.clone(), Some("Active BV".to_owned()))]
    );
    assert_eq!(w.services.unread_count(w.b1).await.unwrap(), 1);
    // The employee's own upload is not news for itself; its payslip is, from its employer.
    assert_eq!(
        news(w.e1).await,
        vec![(
            "Loonstrook - januari 2026".to_owned(),
            Some("Active BV".to_owned())
        )]
    );

    // By person: the bureau's report sorts under its name, before the employee's.
    let by_name: Vec<_> = w
        .services
        .unread(w.r1, UnreadOrder::ByName)
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|d| d.from)
        .collect();
    assert_eq!(by_name, vec![Some("Bakker, N".to_owned()), bureau_name]);
}

async fn overview_title(w: &World, id: PublicId) -> String {
    w.services
        .document_details(w.r1, id)
        .await
        .unwrap()
        .summary
        .title
}

#[tokio::test]
async fn corrections_replace_for_readers_and_keep_history() {
    let w = world().await;
    let first = w.payslip(2026, 3).await;
    assert_eq!(first.placement, Placement::Created);
    let again = w.payslip(2026, 3).await;
    assert_eq!(
        (again.id, again.placement),
        (first.id, Placement::Unchanged)
    );
    let files_before = w.stored_files();
    let corrected = w
        .place(
            Placer::Bureau(w.b1_key),
            w.e1_dossier,
            DocumentKind::Payslip,
            2026,
            month(3),
            b"%PDF-1.7 corrected",
        )
        .await;
    assert_eq!(
        (corrected.placement, corrected.version),
        (Placement::Corrected, 2)
    );
    assert_eq!(w.stored_files(), files_before + 1, "both versions are kept");

    let view = w
        .services
        .dossier(w.e1, DossierRef::Own, None, DossierSearch::default())
        .await
        .unwrap();
    assert_eq!(view.payroll.len(), 1);
    assert_eq!(view.payroll[0].id, corrected.id);
    assert!(view.payroll[0].corrected);

    let details = w
        .services
        .document_details(w.e1, corrected.id)
        .await
        .unwrap();
    assert_eq!(details.placed_by, "Salarisbureau Bakker");
    assert_eq!(details.sha256, corrected.sha256);
    assert_eq!(details.summary.size, 18);
    assert_eq!(details.earlier_versions.len(), 1);
    assert_eq!(details.earlier_versions[0].id, first.id);
    let old = w.services.document_details(w.e1, first.id).await.unwrap();
    assert!(old.superseded);
    // Details of what one may not see: not found.
    assert!(matches!(
        w.services.document_details(w.e2, corrected.id).await,
        Err(ServiceError::NotFound)
    ));
}

#[tokio::test]
async fn opening_streams_the_file_inline_only_for_safe_types_and_is_audited() {
    let w = world().await;
    let slip = w.payslip(2026, 4).await;
    let context = RequestContext {
        client_addr: Some("192.0.2.7".parse().unwrap()),
        ..RequestContext::default()
    };
    let mut opened = w
        .services
        .open_document(w.e1, context, slip.id, Disposition::Inline)
        .await
        .unwrap();
    assert!(opened.inline);
    assert_eq!(opened.media_type, "application/pdf");
    assert_eq!(opened.file_name, "Loonstrook - april 2026.pdf");
    let mut content = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut opened.file, &mut content)
        .await
        .unwrap();
    assert_eq!(content, b"%PDF-1.7 payslip 2026-4");
    let download = w
        .services
        .open_document(w.r1, context, slip.id, Disposition::Attachment)
        .await
        .unwrap();
    assert!(!download.inline);
    let err = w
        .services
        .open_document(w.e2, context, slip.id, Disposition::Inline)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));

    w.services.flush_audit().await;
    let events = w
        .services
        .store
        .read(|c| -> Result<_, crate::store::StoreError> { crate::store::audit::recent(c, 10) })
        .await
        .unwrap();
    let reads: Vec<_> = events
        .iter()
        .filter(|e| {
            matches!(
                e.action,
                crate::domain::audit::AuditAction::View
                    | crate::domain::audit::AuditAction::Download
            )
        })
        .map(|e| {
            (
                e.action.as_str(),
                e.actor.as_str(),
                e.client_addr.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        reads,
        vec![
            ("download", "employer", Some("192.0.2.7")),
            ("view", "employee", Some("192.0.2.7"))
        ]
    );
}

/// `actor`'s years of `dossier` and the work SQLite did to list them.
async fn years_work(w: &World, actor: Actor, dossier: Dossier) -> (Vec<i64>, i64) {
    let (years, steps) = w
        .services
        .store
        .read(move |conn| crate::store::documents::dossier_years_with_steps(conn, actor, dossier))
        .await
        .unwrap();
    (
        years.into_iter().map(|y| i64::from(y.get())).collect(),
        i64::from(steps),
    )
}

#[tokio::test]
async fn listing_the_years_costs_a_probe_per_year_not_a_visit_per_document() {
    let w = world().await;
    for y in 2019..=2025 {
        w.payslip(y, 1).await;
    }
    // The newest year holds only the employee's private upload: uploads are listed whatever the
    // year, so it adds no year — not for the employer, not for the employee itself.
    w.upload(w.e1, "ID-kopie.pdf", b"%PDF-1.4 id")
        .await
        .unwrap();
    let (years, one_per_year) = years_work(&w, w.r1, w.e1_dossier).await;
    assert_eq!(years, (2019..=2025).rev().collect::<Vec<_>>());
    let (own_years, _) = years_work(&w, w.e1, w.e1_dossier).await;
    assert_eq!(own_years, years);

    // Eleven more payslips in every year: the same years, and about the same work.
    for y in 2019..=2025 {
        for m in 2..=12 {
            w.payslip(y, m).await;
        }
    }
    let (years_after, twelve_per_year) = years_work(&w, w.r1, w.e1_dossier).await;
    assert_eq!(years_after, years);
    assert!(
        twelve_per_year < one_per_year * 2,
        "{twelve_per_year} steps for 12 documents a year vs {one_per_year} for one"
    );
}

/// The employer's akkoord on a series overview (SPEC.md Part 2): only the employer decides, on
/// its own current overview; its bureau and the payroll software read it back; a later
/// decision counts and the earlier stays as history.
#[tokio::test]
async fn the_employer_decides_on_its_series_overview() {
    use crate::domain::approval::Decision;
    let w = world().await;
    let overview = w
        .place(
            Placer::Bureau(w.b1_key),
            w.r1_dossier,
            DocumentKind::SeriesOverview,
            2026,
            month(2),
            b"%PDF-1.7 series",
        )
        .await;
    let decide = |actor, decision, comment: &'static str| {
        w.services.decide_on_series_overview(
            actor,
            RequestContext::default(),
            overview.id,
            decision,
            comment,
        )
    };
    // Not the bureau, not an employee, not another employer (which does not see it).
    assert!(matches!(
        decide(w.b1, Decision::Approved, "").await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        decide(w.e1, Decision::Approved, "").await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        decide(w.r0, Decision::Approved, "").await,
        Err(ServiceError::NotFound)
    ));
    let long: &'static str = Box::leak("x".repeat(1001).into_boxed_str());
    assert!(matches!(
        decide(w.r1, Decision::Rejected, long).await,
        Err(ServiceError::Invalid {
            field: "comment",
            ..
        })
    ));
    let details = w
        .services
        .document_details(w.r1, overview.id)
        .await
        .unwrap();
    assert!(details.may_decide && details.approvals.is_empty());

    let rejected = decide(w.r1, Decision::Rejected, "  Uren van maart ontbreken  ")
        .await
        .unwrap();
    assert_eq!(
        rejected.comment.as_deref(),
        Some("Uren van maart ontbreken")
    );
    assert_eq!(rejected.by, "Active BV");
    w.clock.advance(chrono::Duration::minutes(5));
    decide(w.r1, Decision::Approved, "").await.unwrap();
    // The bureau sees the newest first and the earlier one, but may not decide.
    let seen = w
        .services
        .document_details(w.b1, overview.id)
        .await
        .unwrap();
    let decisions: Vec<_> = seen.approvals.iter().map(|a| a.decision).collect();
    assert_eq!(decisions, vec![Decision::Approved, Decision::Rejected]);
    assert!(!seen.may_decide);
    let dossier = w
        .services
        .dossier(
            w.b1,
            DossierRef::Employer(w.r1_public),
            Some(year(2026)),
            DossierSearch::default(),
        )
        .await
        .unwrap();
    assert_eq!(dossier.payroll[0].approval, Some(Decision::Approved));
    let clients = w.services.employers(w.b1, None).await.unwrap();
    let latest = clients[0].latest_series.as_ref().unwrap();
    assert_eq!(
        (latest.id, latest.decision),
        (overview.id, Some(Decision::Approved))
    );

    // A correction replaces it: the new version waits for a decision, the old one takes none.
    let corrected = w
        .place(
            Placer::Bureau(w.b1_key),
            w.r1_dossier,
            DocumentKind::SeriesOverview,
            2026,
            month(2),
            b"%PDF-1.7 series, corrected",
        )
        .await;
    assert!(matches!(
        decide(w.r1, Decision::Approved, "").await,
        Err(ServiceError::Forbidden(_))
    ));
    let clients = w.services.employers(w.b1, None).await.unwrap();
    let latest = clients[0].latest_series.as_ref().unwrap();
    assert_eq!((latest.id, latest.decision), (corrected.id, None));
}
