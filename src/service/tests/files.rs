//! Uploads, sharing, deleting, the lists of people, and a self-administering employer.

use super::*;

#[tokio::test]
async fn uploads_are_checked_by_content_and_size_and_leave_nothing_when_refused() {
    let w = world_with(Settings {
        upload_max_bytes: 64,
        ..Settings::default()
    })
    .await;
    let png = w
        .upload(w.e1, "scan.png", b"\x89PNG\r\n\x1a\nimage")
        .await
        .unwrap();
    assert_eq!(png.media_type, "image/png");
    assert!(png.own_upload && png.read && png.may_share && png.may_delete);
    let files = w.stored_files();

    let exe = w
        .upload(w.e1, "ID-kopie.pdf", b"MZ\x90\x00 not a pdf at all")
        .await
        .unwrap_err();
    assert!(matches!(exe, ServiceError::UnsupportedType), "{exe}");
    let big = w
        .upload(
            w.e1,
            "big.pdf",
            &[b"%PDF-1.7 ".as_slice(), &[b'x'; 100]].concat(),
        )
        .await
        .unwrap_err();
    assert!(matches!(big, ServiceError::TooLarge { limit: 64 }), "{big}");
    let nameless = w.upload(w.e1, "../", b"%PDF-1.7").await.unwrap_err();
    assert!(
        matches!(nameless, ServiceError::Invalid { field: "file", .. }),
        "{nameless}"
    );
    let request = UploadRequest {
        kind: DocumentKind::Payslip,
        file_name: "x.pdf".into(),
    };
    let wrong_kind = w
        .services
        .upload(w.e1, RequestContext::default(), request, body(b"%PDF-1.7"))
        .await
        .unwrap_err();
    assert!(
        matches!(wrong_kind, ServiceError::Invalid { field: "kind", .. }),
        "{wrong_kind}"
    );

    assert_eq!(w.stored_files(), files, "refused uploads leave no file");
    assert_eq!(std::fs::read_dir(w.data.tmp_dir()).unwrap().count(), 0);
    let (_, other) = w.titles(w.e1, DossierRef::Own, None).await;
    assert_eq!(other, vec!["scan.png"]);
}

#[tokio::test]
async fn sharing_goes_one_step_up_and_only_the_owner_shares() {
    let w = world().await;
    let id_copy = w
        .upload(w.e1, "ID-kopie.jpg", b"\xff\xd8\xff\xe0 jpeg")
        .await
        .unwrap();
    let e1 = DossierRef::Employee(w.e1_public);
    assert!(w.titles(w.r1, e1, Some(2026)).await.1.is_empty());

    w.services
        .share(w.e1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    assert_eq!(w.titles(w.r1, e1, Some(2026)).await.1, vec!["ID-kopie.jpg"]);
    assert!(
        w.titles(w.b1, e1, Some(2026)).await.1.is_empty(),
        "the bureau sees an employee's upload only when the employer passes it on"
    );
    // The employer passes it on to its bureau (SPEC.md Part 2, "Sharing onward"); the bureau
    // then sees it, and the employee sees with whom it is shared.
    w.services
        .share(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    assert_eq!(w.titles(w.b1, e1, Some(2026)).await.1, vec!["ID-kopie.jpg"]);
    let own = w
        .services
        .dossier(w.e1, DossierRef::Own, None, DossierSearch::default())
        .await
        .unwrap();
    assert_eq!(
        own.other[0].shared_with,
        vec!["Active BV".to_owned(), "Salarisbureau Bakker".to_owned()]
    );
    // The employer's "stop sharing" withdraws only what it passed on.
    w.services
        .unshare(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    assert!(w.titles(w.b1, e1, Some(2026)).await.1.is_empty());
    assert_eq!(w.titles(w.r1, e1, Some(2026)).await.1, vec!["ID-kopie.jpg"]);
    // Only the employee deletes it; its "stop sharing" withdraws every share.
    let err = w
        .services
        .delete_uploads(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    w.services
        .share(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    w.services
        .unshare(w.e1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap();
    assert!(w.titles(w.r1, e1, Some(2026)).await.1.is_empty());
    assert!(w.titles(w.b1, e1, Some(2026)).await.1.is_empty());
    // Nothing shared with it, the employer cannot pass it on.
    let err = w
        .services
        .share(w.r1, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound), "{err}");

    // An employer shares with its bureau; a self-administering employer has nobody to share with.
    let whk = w
        .upload(w.r1, "Whk-beschikking.pdf", b"%PDF-1.5 whk")
        .await
        .unwrap();
    w.services
        .share(w.r1, RequestContext::default(), vec![whk.id])
        .await
        .unwrap();
    assert_eq!(
        w.titles(w.b1, DossierRef::Employer(w.r1_public), Some(2026))
            .await
            .1,
        vec!["Whk-beschikking.pdf"]
    );
    let own = w
        .upload(w.r0, "eigen.pdf", b"%PDF-1.5 eigen")
        .await
        .unwrap();
    assert!(!own.may_share);
    let err = w
        .services
        .share(w.r0, RequestContext::default(), vec![own.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    // A colleague cannot even find it.
    let err = w
        .services
        .share(w.e2, RequestContext::default(), vec![id_copy.id])
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
}

#[tokio::test]
async fn deleting_is_for_own_uploads_only_and_all_or_nothing() {
    let w = world().await;
    let slip = w.payslip(2026, 5).await;
    let a = w.upload(w.e1, "a.pdf", b"%PDF-1.7 a").await.unwrap();
    let b = w.upload(w.e1, "b.pdf", b"%PDF-1.7 b").await.unwrap();
    let err = w
        .services
        .delete_uploads(w.e1, RequestContext::default(), vec![slip.id])
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Forbidden(_)),
        "payroll files are changed only by sync"
    );
    // One bad id in the selection: nothing is deleted.
    let err = w
        .services
        .delete_uploads(
            w.e1,
            RequestContext::default(),
            vec![a.id, PublicId::random()],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
    assert_eq!(w.titles(w.e1, DossierRef::Own, None).await.1.len(), 2);
    assert_eq!(
        w.services
            .delete_uploads(w.e1, RequestContext::default(), vec![a.id, b.id])
            .await
            .unwrap(),
        2
    );
    assert!(w.titles(w.e1, DossierRef::Own, None).await.1.is_empty());
    // Deleted is gone: not found for everything, including the owner.
    let err = w
        .services
        .open_document(w.e1, RequestContext::default(), a.id, Disposition::Inline)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
    let err = w
        .services
        .delete_uploads(w.e1, RequestContext::default(), vec![])
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ServiceError::Invalid {
            field: "documents",
            ..
        }
    ));
}

#[tokio::test]
async fn employer_and_bureau_lists_of_people() {
    let w = world().await;
    let list = w
        .services
        .employees(w.r1, None, None, None, 1)
        .await
        .unwrap();
    assert_eq!((list.total, list.page, list.pages), (2, 1, 1));
    let all = list.lines;
    let names: Vec<_> = all.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, vec!["Bakker, N", "Koning, R"]);
    assert_eq!(all[0].bsn_masked, "*****042");
    assert_eq!(all[0].status, crate::domain::party::AccountStatus::Invited);
    // Koning started in 2026: not in the 2025 list.
    let in_2025 = w
        .services
        .employees(w.r1, None, Some(2025), None, 1)
        .await
        .unwrap();
    assert_eq!(in_2025.lines.len(), 1);
    let searched = w
        .services
        .employees(w.r1, None, None, Some("koni".into()), 1)
        .await
        .unwrap();
    assert_eq!((searched.lines.len(), searched.total), (1, 1));
    // Year and search together narrow by both; a search is taken literally, not as a pattern.
    for (year, search, expected) in [
        (2025, "koni", 0),
        (2026, "koni", 1),
        (2025, "bakk", 1),
        (2026, "%", 0),
        (2026, "_", 0),
    ] {
        let found = w
            .services
            .employees(w.r1, None, Some(year), Some(search.into()), 1)
            .await
            .unwrap();
        assert_eq!(
            (found.lines.len(), found.total),
            (expected, expected as u64),
            "{year} {search}"
        );
    }
    // Nobody matches: one empty page; a page past the last is the last.
    let nobody = w
        .services
        .employees(w.r1, None, None, Some("niemand".into()), 3)
        .await
        .unwrap();
    assert_eq!(
        (nobody.lines.len(), nobody.total, nobody.page, nobody.pages),
        (0, 0, 1, 1)
    );
    let beyond = w
        .services
        .employees(w.r1, None, None, None, 7)
        .await
        .unwrap();
    assert_eq!((beyond.page, beyond.first, beyond.lines.len()), (1, 1, 2));
    // The bureau sees its client's employees; another bureau and another employer do not.
    assert_eq!(
        w.services
            .employees(w.b1, Some(w.r1_public), None, None, 1)
            .await
            .unwrap()
            .lines
            .len(),
        2
    );
    for outsider in [w.b2, w.r0, w.e1] {
        let err = w
            .services
            .employees(outsider, Some(w.r1_public), None, None, 1)
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound), "{outsider:?}");
    }
    let clients = w.services.employers(w.b1, None).await.unwrap();
    assert_eq!(
        clients.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        vec!["Active BV"]
    );
    assert!(w.services.employers(w.b2, None).await.unwrap().is_empty());
    assert!(matches!(
        w.services.employers(w.r1, None).await,
        Err(ServiceError::NotFound)
    ));
}

#[tokio::test]
async fn self_administering_employer_runs_its_own_payroll() {
    let w = world().await;
    let placed = w
        .place(
            Placer::Employer(w.r0_key),
            w.e0_dossier,
            DocumentKind::AnnualStatement,
            2025,
            Period::whole_year(),
            b"%PDF-1.7 jaaropgave",
        )
        .await;
    assert_eq!(
        w.titles(w.e0, DossierRef::Own, None).await.0,
        vec!["Jaaropgave 2025"]
    );
    assert!(w.services.document_details(w.r0, placed.id).await.is_ok());
    assert!(matches!(
        w.services.document_details(w.b1, placed.id).await,
        Err(ServiceError::NotFound)
    ));
    // A bureau cannot place for an employer that is not its client.
    let request = PlaceRequest {
        dossier: w.e0_dossier,
        kind: DocumentKind::Payslip,
        year: year(2025),
        period: month(1),
        title: None,
        file_name: None,
    };
    let err = w
        .services
        .place_payroll(
            Placer::Bureau(w.b1_key),
            RequestContext::default(),
            request,
            body(b"%PDF-1.7"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound));
    // Payslips only go to employees, and only as PDF.
    let request = PlaceRequest {
        dossier: w.r1_dossier,
        kind: DocumentKind::Payslip,
        year: year(2025),
        period: month(1),
        title: None,
        file_name: None,
    };
    let err = w
        .services
        .place_payroll(
            Placer::Bureau(w.b1_key),
            RequestContext::default(),
            request,
            body(b"%PDF-1.7"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid { field: "kind", .. }));
    let request = PlaceRequest {
        dossier: w.e1_dossier,
        kind: DocumentKind::Payslip,
        year: year(2025),
        period: month(1),
        title: None,
        file_name: None,
    };
    let err = w
        .services
        .place_payroll(
            Placer::Bureau(w.b1_key),
            RequestContext::default(),
            request,
            body(b"<html>"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::UnsupportedType));
}

#[tokio::test]
async fn own_uploads_stay_within_the_quota_and_a_refused_one_leaves_nothing() {
    let settings = Settings {
        upload_quota_bytes: 100,
        ..Settings::default()
    };
    let w = world_with(settings).await;
    let files_before = w.stored_files();
    let pdf = |n: usize| {
        let mut bytes = b"%PDF-1.7 ".to_vec();
        bytes.resize(n, b'x');
        bytes
    };
    w.upload(w.e1, "een.pdf", &pdf(60)).await.unwrap();
    let full = w.upload(w.e1, "twee.pdf", &pdf(60)).await.unwrap_err();
    assert!(
        matches!(full, ServiceError::QuotaFull { limit: 100 }),
        "{full}"
    );
    assert_eq!(
        w.stored_files(),
        files_before + 1,
        "the refused file is not kept"
    );
    // Another dossier has its own room; what fits still goes in.
    w.upload(w.e2, "een.pdf", &pdf(60)).await.unwrap();
    w.upload(w.e1, "klein.pdf", &pdf(40)).await.unwrap();
}

/// Letters from the browser (SPEC.md Part 2): the employer and its bureau write into an
/// employee's dossier; a letter is a payroll file placed by the writer's party, never a
/// correction of another; only a PDF with a title.
#[tokio::test]
async fn employers_and_their_bureau_write_letters() {
    let w = world().await;
    let write = |actor, title: &'static str, bytes: &'static [u8]| {
        w.services.write_letter(
            actor,
            RequestContext::default(),
            crate::service::NewLetter {
                employee: w.e1_public,
                title: title.to_owned(),
                file_name: "brief.pdf".to_owned(),
                answers: None,
            },
            body(bytes),
        )
    };
    let first = write(w.r1, "Werkgeversverklaring", b"%PDF-1.7 a")
        .await
        .unwrap();
    let second = write(w.r1, "Bevestiging verlof", b"%PDF-1.7 b")
        .await
        .unwrap();
    let from_bureau = write(w.b1, "Loonbeslag", b"%PDF-1.7 c").await.unwrap();
    // Three letters of one year side by side: none corrects another.
    let (payroll, _) = w.titles(w.e1, DossierRef::Own, None).await;
    for title in ["Werkgeversverklaring", "Bevestiging verlof", "Loonbeslag"] {
        assert!(payroll.iter().any(|t| t == title), "{title} in {payroll:?}");
    }
    // News for the employee, from its employer; who sees which follows the payroll-file rule.
    let (news, _) = w.services.unread(w.e1, UnreadOrder::Newest).await.unwrap();
    assert_eq!(news.len(), 3);
    assert!(
        w.services.document_details(w.b1, first.id).await.is_err(),
        "placed by the employer"
    );
    assert!(
        w.services
            .document_details(w.r1, from_bureau.id)
            .await
            .is_ok()
    );
    assert!(w.services.document_details(w.r1, second.id).await.is_ok());

    // Who may not, and what is not a letter.
    assert!(matches!(
        write(w.e1, "Zelf", b"%PDF-1.7 d").await,
        Err(ServiceError::Forbidden(_))
    ));
    assert!(matches!(
        write(w.r0, "Ander", b"%PDF-1.7 e").await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        write(w.b2, "Ander kantoor", b"%PDF-1.7 f").await,
        Err(ServiceError::NotFound)
    ));
    assert!(matches!(
        write(w.r1, "  ", b"%PDF-1.7 g").await,
        Err(ServiceError::Invalid { field: "title", .. })
    ));
    assert!(matches!(
        write(w.r1, "Word", b"PK\x03\x04 docx").await,
        Err(ServiceError::UnsupportedType)
    ));
    assert_eq!(w.stored_files(), 3, "refused letters leave no file");
}
