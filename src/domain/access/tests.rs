//! The access rule, table-driven: every actor × every kind of document × every action.
//!
//! The world: bureau B1 with clients R1 and R2; bureau B2; employer R0 without a bureau.
//! Employees E1 and E2 work for R1, E3 for R2, E0 for R0. Documents 1–8 live in R1's world
//! (payroll placed by B1); documents 9–10 in R0's world (payroll placed by R0 itself);
//! document 11 is a payroll file R1 placed itself although it has a bureau; document 12 is an
//! upload of E1 that R1 passed on to B1; document 13 an upload R1 shared with B2, the bureau
//! it had before B1.

use super::*;
use crate::domain::document::{
    BureauKey, DocumentFacts, DocumentKind, Dossier, Origin, Placer, Shares,
};

const B1: BureauKey = BureauKey(1);
const B2: BureauKey = BureauKey(2);
const R0: EmployerKey = EmployerKey(10);
const R1: EmployerKey = EmployerKey(11);
const R2: EmployerKey = EmployerKey(12);
const E0: EmployeeKey = EmployeeKey(100);
const E1: EmployeeKey = EmployeeKey(101);
const E2: EmployeeKey = EmployeeKey(102);
const E3: EmployeeKey = EmployeeKey(103);

fn actor(name: &str) -> Actor {
    let account = AccountKey(1);
    match name {
        "employee E1" => Actor::Employee {
            account,
            employee: E1,
            employer: R1,
        },
        "colleague E2" => Actor::Employee {
            account,
            employee: E2,
            employer: R1,
        },
        "employee E3 of R2" => Actor::Employee {
            account,
            employee: E3,
            employer: R2,
        },
        "employer R1" => Actor::Employer {
            account,
            employer: R1,
        },
        "other employer R2" => Actor::Employer {
            account,
            employer: R2,
        },
        "bureau B1" => Actor::Bureau {
            account,
            bureau: B1,
        },
        "other bureau B2" => Actor::Bureau {
            account,
            bureau: B2,
        },
        "self-administering R0" => Actor::Employer {
            account,
            employer: R0,
        },
        "employee E0 of R0" => Actor::Employee {
            account,
            employee: E0,
            employer: R0,
        },
        other => panic!("no actor {other}"),
    }
}

fn document(number: u8) -> DocumentFacts {
    let e1 = Dossier::Employee {
        employee: E1,
        employer: R1,
    };
    let e0 = Dossier::Employee {
        employee: E0,
        employer: R0,
    };
    let by_b1 = Origin::Payroll(Placer::Bureau(B1));
    let none = Shares::NONE;
    let with_r1 = Shares {
        with_employer: true,
        with_bureau: None,
    };
    let with_bureau = |b| Shares {
        with_employer: false,
        with_bureau: Some(b),
    };
    let passed_on = Shares {
        with_employer: true,
        with_bureau: Some(B1),
    };
    let (dossier, origin, shared, removed) = match number {
        1 => (e1, by_b1, none, false),                    // payslip of E1
        2 => (Dossier::Employer(R1), by_b1, none, false), // series overview of R1
        3 => (e1, Origin::Upload, none, false),           // E1's ID copy, private
        4 => (e1, Origin::Upload, with_r1, false),        // E1's upload shared with R1
        5 => (Dossier::Employer(R1), Origin::Upload, none, false), // R1's upload, private
        6 => (
            Dossier::Employer(R1),
            Origin::Upload,
            with_bureau(B1),
            false,
        ), // shared with B1
        7 => (Dossier::Bureau(B1), Origin::Upload, none, false), // B1's own upload
        8 => (e1, by_b1, none, true),                     // retracted payslip of E1
        9 => (e0, Origin::Payroll(Placer::Employer(R0)), none, false), // R0's own payroll run
        10 => (Dossier::Employer(R0), Origin::Upload, none, false), // R0's upload
        11 => (e1, Origin::Payroll(Placer::Employer(R1)), none, false), // R1 ran payroll itself
        12 => (e1, Origin::Upload, passed_on, false),     // E1's upload R1 passed on to B1
        13 => (
            Dossier::Employer(R1),
            Origin::Upload,
            with_bureau(B2),
            false,
        ), // to R1's old bureau
        _ => panic!("no document {number}"),
    };
    let employer_bureau = match dossier.employer() {
        Some(R1 | R2) => Some(B1),
        _ => None,
    };
    DocumentFacts {
        dossier,
        employer_bureau,
        origin,
        shared,
        removed,
    }
}

/// Actions in the order of the expectation strings: List, View, Download, Share, Unshare,
/// Delete, Mark read. A letter means allowed, `-` means refused.
const LETTERS: [char; 7] = ['L', 'V', 'D', 'S', 'U', 'X', 'R'];
const NONE: &str = "-------";
const READ: &str = "LVD---R";
const OWN_SHAREABLE: &str = "LVDSUXR";
const OWN_UNSHAREABLE: &str = "LVD--XR";

/// An employer passing an employee's shared upload on to its bureau, or withdrawing that.
const PASS_ON: &str = "LVDSU-R";

/// Expected permissions: one row per actor, one column per document 1..=13.
#[rustfmt::skip]
const TABLE: [(&str, [&str; 13]); 9] = [
    //                        1     2     3              4              5              6              7                8     9     10               11    12             13
    ("employee E1",          [READ, NONE, OWN_SHAREABLE, OWN_SHAREABLE, NONE,          NONE,          NONE,            NONE, NONE, NONE,            READ, OWN_SHAREABLE, NONE]),
    ("colleague E2",         [NONE; 13]),
    ("employee E3 of R2",    [NONE; 13]),
    ("employer R1",          [READ, READ, NONE,          PASS_ON,       OWN_SHAREABLE, OWN_SHAREABLE, NONE,            NONE, NONE, NONE,            READ, PASS_ON,       OWN_SHAREABLE]),
    ("other employer R2",    [NONE; 13]),
    ("bureau B1",            [READ, READ, NONE,          NONE,          NONE,          READ,          OWN_UNSHAREABLE, NONE, NONE, NONE,            NONE, READ,          NONE]),
    ("other bureau B2",      [NONE; 13]),
    ("self-administering R0",[NONE, NONE, NONE,          NONE,          NONE,          NONE,          NONE,            NONE, READ, OWN_UNSHAREABLE, NONE, NONE,          NONE]),
    ("employee E0 of R0",    [NONE, NONE, NONE,          NONE,          NONE,          NONE,          NONE,            NONE, READ, NONE,            NONE, NONE,          NONE]),
];

#[test]
fn every_actor_document_and_action() {
    let mut failures = Vec::new();
    for (name, row) in TABLE {
        let who = actor(name);
        for (index, expected) in row.iter().enumerate() {
            let number = u8::try_from(index + 1).unwrap();
            let doc = document(number);
            let got: String = Action::ALL
                .iter()
                .zip(LETTERS)
                .map(|(action, letter)| if may(who, *action, &doc) { letter } else { '-' })
                .collect();
            if got != *expected {
                failures.push(format!(
                    "{name} × document {number}: expected {expected}, got {got}"
                ));
            }
            // `sees` and List always agree.
            assert_eq!(
                sees(who, &doc) && !doc.removed,
                may(who, Action::List, &doc)
            );
        }
    }
    assert!(
        failures.is_empty(),
        "access rule differs:\n{}",
        failures.join("\n")
    );
}

/// What is news for whom (rule 6): `N` for a document addressed to the actor, `.` otherwise,
/// one column per document 1..=13. An employer's view of payslips (1, 11) and a bureau's view of
/// what it placed (1, 2) are not news; shares are news for the party shared with (4, 6, 12).
#[rustfmt::skip]
const NEWS: [(&str, &str); 9] = [
    ("employee E1",           "N.........N.."),
    ("colleague E2",          "............."),
    ("employee E3 of R2",     "............."),
    ("employer R1",           ".N.N.......N."),
    ("other employer R2",     "............."),
    ("bureau B1",             ".....N.....N."),
    ("other bureau B2",       "............."),
    ("self-administering R0", "............."),
    ("employee E0 of R0",     "........N...."),
];

#[test]
fn what_is_news_for_whom() {
    for (name, row) in NEWS {
        let who = actor(name);
        let got: String = (1..=13)
            .map(|n| {
                if addressed_to(who, &document(n)) {
                    'N'
                } else {
                    '.'
                }
            })
            .collect();
        assert_eq!(got, row, "{name}");
    }
    assert!((1..=13).all(|n| !addressed_to(Actor::system(), &document(n))));
}

/// Rule 7: only the employer decides on a series overview in its own dossier — not on a
/// payslip, an upload, another employer's overview or a removed one; its bureau never does.
#[test]
fn only_the_employer_decides_on_its_series_overviews() {
    use DocumentKind::{Payslip, Report, SeriesOverview};
    let removed = DocumentFacts {
        removed: true,
        ..document(2)
    };
    let cases = [
        ("employer R1", document(2), SeriesOverview, true),
        ("employer R1", removed, SeriesOverview, false),
        ("employer R1", document(2), Report, false),
        ("employer R1", document(5), SeriesOverview, false),
        ("employer R1", document(1), Payslip, false),
        ("other employer R2", document(2), SeriesOverview, false),
        ("bureau B1", document(2), SeriesOverview, false),
        ("employee E1", document(2), SeriesOverview, false),
        ("self-administering R0", document(2), SeriesOverview, false),
    ];
    for (name, doc, kind, expected) in cases {
        assert_eq!(
            may_decide_on(actor(name), &doc, kind),
            expected,
            "{name} on {kind:?} {doc:?}"
        );
    }
    assert!(!may_decide_on(
        Actor::system(),
        &document(2),
        SeriesOverview
    ));
}

/// Rule 8: letters go into employee dossiers, by the employer or its current bureau, as them.
#[test]
fn who_writes_letters_where() {
    let e1 = Dossier::Employee {
        employee: E1,
        employer: R1,
    };
    let e0 = Dossier::Employee {
        employee: E0,
        employer: R0,
    };
    let cases = [
        ("employer R1", e1, Some(B1), Some(Placer::Employer(R1))),
        ("bureau B1", e1, Some(B1), Some(Placer::Bureau(B1))),
        ("bureau B1", e1, Some(B2), None), // a client that moved on
        ("other bureau B2", e1, Some(B1), None),
        ("other employer R2", e1, Some(B1), None),
        ("employee E1", e1, Some(B1), None),
        ("colleague E2", e1, Some(B1), None),
        ("employer R1", Dossier::Employer(R1), Some(B1), None),
        (
            "self-administering R0",
            e0,
            None,
            Some(Placer::Employer(R0)),
        ),
        ("bureau B1", e0, None, None),
    ];
    for (name, dossier, bureau, expected) in cases {
        assert_eq!(
            letter_writer(actor(name), dossier, bureau),
            expected,
            "{name} in {dossier:?}"
        );
    }
    assert_eq!(letter_writer(Actor::system(), e1, Some(B1)), None);
}

#[test]
fn the_system_actor_is_not_bound_by_the_rule() {
    for number in 1..=13 {
        for action in Action::ALL {
            assert!(may(Actor::system(), action, &document(number)));
        }
    }
}

#[test]
fn a_client_that_moved_to_another_bureau_is_out_of_sight_of_the_old_one() {
    let mut doc = document(1);
    doc.employer_bureau = Some(B2);
    assert!(
        !may(actor("bureau B1"), Action::View, &doc),
        "B1 no longer serves R1"
    );
    assert!(
        !may(actor("other bureau B2"), Action::View, &doc),
        "B2 did not place this payroll file"
    );
    assert!(may(actor("employer R1"), Action::View, &doc));
}

#[test]
fn who_may_open_which_dossier() {
    let e1 = Dossier::Employee {
        employee: E1,
        employer: R1,
    };
    let cases = [
        ("employee E1", e1, true),
        ("colleague E2", e1, false),
        ("employer R1", e1, true),
        ("employer R1", Dossier::Employer(R1), true),
        ("other employer R2", Dossier::Employer(R1), false),
        ("bureau B1", e1, true),
        ("bureau B1", Dossier::Employer(R1), true),
        ("bureau B1", Dossier::Bureau(B1), true),
        ("other bureau B2", Dossier::Employer(R1), false),
        ("other bureau B2", Dossier::Bureau(B1), false),
        ("employer R1", Dossier::Bureau(B1), false),
        ("employee E1", Dossier::Employer(R1), false),
        ("self-administering R0", Dossier::Employer(R1), false),
    ];
    for (name, dossier, expected) in cases {
        let bureau = dossier.employer().map(|_| B1);
        assert_eq!(
            may_open_dossier(actor(name), dossier, bureau),
            expected,
            "{name} {dossier:?}"
        );
    }
}

#[test]
fn who_may_place_payroll_files_where() {
    let e1 = Dossier::Employee {
        employee: E1,
        employer: R1,
    };
    assert!(may_place(Placer::Bureau(B1), e1, Some(B1)));
    assert!(may_place(
        Placer::Bureau(B1),
        Dossier::Employer(R1),
        Some(B1)
    ));
    assert!(
        !may_place(Placer::Bureau(B2), e1, Some(B1)),
        "not B2's client"
    );
    assert!(
        !may_place(Placer::Bureau(B1), Dossier::Bureau(B1), None),
        "no payroll in bureau dossiers"
    );
    assert!(
        may_place(Placer::Employer(R1), e1, Some(B1)),
        "an employer may run payroll itself"
    );
    assert!(!may_place(Placer::Employer(R2), e1, Some(B1)));
    assert!(may_place(Placer::Employer(R0), Dossier::Employer(R0), None));
}

/// One actor's row: sees R1's employees, sees R0's, may reveal E1's BSN (E1 works at R1), sees
/// E1's private address, and whose clients it sees.
type PeopleRow = (&'static str, bool, bool, bool, bool, Option<BureauKey>);

/// The people behind the dossiers, one row per actor.
#[test]
fn who_sees_which_people() {
    #[rustfmt::skip]
    let table: [PeopleRow; 9] = [
        //                        R1's   R0's   E1 BSN E1 mail clients
        ("employee E1",           false, false, true,  true,  None),
        ("colleague E2",          false, false, false, false, None),
        ("employee E3 of R2",     false, false, false, false, None),
        ("employer R1",           true,  false, true,  false, None),
        ("other employer R2",     false, false, false, false, None),
        ("bureau B1",             true,  false, true,  false, Some(B1)),
        ("other bureau B2",       false, false, false, false, Some(B2)),
        ("self-administering R0", false, true,  false, false, None),
        ("employee E0 of R0",     false, false, false, false, None),
    ];
    for (name, r1, r0, bsn, mail, clients) in table {
        let who = actor(name);
        assert_eq!(
            sees_employees_of(who, R1, Some(B1)),
            r1,
            "{name}: R1's employees"
        );
        assert_eq!(
            sees_employees_of(who, R0, None),
            r0,
            "{name}: R0's employees"
        );
        assert_eq!(
            may_reveal_bsn(who, E1, R1, Some(B1)),
            bsn,
            "{name}: E1's BSN"
        );
        assert_eq!(
            sees_private_email(who, E1),
            mail,
            "{name}: E1's private address"
        );
        assert_eq!(sees_clients_of(who), clients, "{name}: clients");
    }
    // Only the employee chooses how it gets its payslips.
    for (name, ..) in table {
        assert_eq!(
            chooses_payslip_delivery(actor(name), E1),
            name == "employee E1",
            "{name}: E1's payslip delivery"
        );
    }
    assert!(!chooses_payslip_delivery(Actor::system(), E1));
    // A client that moved on is out of the old bureau's sight.
    assert!(!sees_employees_of(actor("bureau B1"), R1, Some(B2)));
    // The CLI sees every list but reveals no BSN (nobody to audit it under).
    assert!(sees_employees_of(Actor::system(), R1, Some(B1)));
    assert!(!may_reveal_bsn(Actor::system(), E1, R1, Some(B1)));
    // An employee its own only, wherever it works.
    assert!(!may_reveal_bsn(actor("employee E1"), E2, R1, Some(B1)));
}

/// Sync tokens: each bureau has its own employers; a self-administering employer's token
/// reaches its own number only; retraction only of what the same client placed.
#[test]
fn what_a_sync_token_reaches() {
    let lhn = crate::domain::Lhn::parse("131459077L01").unwrap();
    let other = crate::domain::Lhn::parse("123456782L01").unwrap();
    let b1 = TokenScope::Bureau(B1);
    let r0 = TokenScope::Employer(lhn.clone());
    assert_eq!(employer_namespace(&b1, &lhn), Some(Some(B1)));
    assert_eq!(
        employer_namespace(&b1, &other),
        Some(Some(B1)),
        "any number, its own"
    );
    assert_eq!(employer_namespace(&r0, &lhn), Some(None));
    assert_eq!(employer_namespace(&r0, &other), None);
    assert_eq!(placer_for(&b1, R1), Placer::Bureau(B1));
    assert_eq!(placer_for(&r0, R0), Placer::Employer(R0));

    let own = DocumentEmployer {
        key: R0,
        bureau: None,
        lhn: &lhn,
    };
    let with_bureau = DocumentEmployer {
        key: R1,
        bureau: Some(B1),
        lhn: &lhn,
    };
    assert!(may_retract(&b1, Placer::Bureau(B1), Some(with_bureau)));
    assert!(!may_retract(
        &TokenScope::Bureau(B2),
        Placer::Bureau(B1),
        Some(with_bureau)
    ));
    assert!(!may_retract(&b1, Placer::Employer(R0), Some(own)));
    assert!(may_retract(&r0, Placer::Employer(R0), Some(own)));
    assert!(!may_retract(&r0, Placer::Bureau(B1), Some(with_bureau)));
    assert!(
        !may_retract(&r0, Placer::Employer(R1), Some(with_bureau)),
        "same number at a bureau: another employer"
    );
    assert!(!may_retract(
        &TokenScope::Employer(other.clone()),
        Placer::Employer(R0),
        Some(own)
    ));
    assert!(!may_retract(&r0, Placer::Employer(R0), None));

    // Backups: a bureau its own, a self-administering employer its own, nobody else any.
    assert_eq!(backups_of(actor("bureau B1"), None), Some(b1));
    assert_eq!(
        backups_of(actor("self-administering R0"), Some(&lhn)),
        Some(r0)
    );
    assert_eq!(backups_of(actor("employer R1"), None), None);
    assert_eq!(backups_of(actor("employee E1"), Some(&lhn)), None);
    assert_eq!(backups_of(Actor::system(), Some(&lhn)), None);
}

/// Requests (SPEC.md Part 2): per actor and state, whether it sees (`S`), withdraws (`W`) or
/// decides (`D`) a request of employee E1 of R1 (bureau B1). Columns: submitted, withdrawn,
/// approved, rejected, processed.
#[test]
fn who_sees_withdraws_and_decides_requests() {
    use crate::domain::request::RequestState::{
        Approved, Processed, Rejected, Submitted, Withdrawn,
    };
    use requests::{RequestFacts, may_decide_request, may_withdraw, sees_request};
    let lhn = crate::domain::Lhn::parse("131459077L01").unwrap();
    #[rustfmt::skip]
    let table: [(&str, [&str; 5]); 9] = [
        ("employee E1",           ["SW-", "S--", "S--", "S--", "S--"]),
        ("colleague E2",          ["---", "---", "---", "---", "---"]),
        ("employee E3 of R2",     ["---", "---", "---", "---", "---"]),
        ("employer R1",           ["S-D", "S--", "S--", "S--", "S--"]),
        ("other employer R2",     ["---", "---", "---", "---", "---"]),
        ("bureau B1",             ["---", "---", "S--", "---", "S--"]),
        ("other bureau B2",       ["---", "---", "---", "---", "---"]),
        ("self-administering R0", ["---", "---", "---", "---", "---"]),
        ("employee E0 of R0",     ["---", "---", "---", "---", "---"]),
    ];
    for (name, row) in table {
        for (state, expected) in [Submitted, Withdrawn, Approved, Rejected, Processed]
            .into_iter()
            .zip(row)
        {
            let facts = RequestFacts {
                employee: E1,
                employer: R1,
                employer_bureau: Some(B1),
                employer_lhn: &lhn,
                state,
            };
            let who = actor(name);
            let got: String = [
                (sees_request(who, &facts), 'S'),
                (may_withdraw(who, &facts), 'W'),
                (may_decide_request(who, &facts), 'D'),
            ]
            .iter()
            .map(|(yes, letter)| if *yes { *letter } else { '-' })
            .collect();
            assert_eq!(got, expected, "{name} × {state:?}");
        }
    }
    // A client that moved to B2: B1 sees none of its requests any more.
    let moved = RequestFacts {
        employee: E1,
        employer: R1,
        employer_bureau: Some(B2),
        employer_lhn: &lhn,
        state: Approved,
    };
    assert!(!sees_request(actor("bureau B1"), &moved));
    assert!(sees_request(actor("other bureau B2"), &moved));

    // Only an employee makes requests, for itself, of its own employer.
    assert_eq!(requests::submits_as(actor("employee E1")), Some((E1, R1)));
    assert_eq!(
        requests::submits_as(actor("employee E0 of R0")),
        Some((E0, R0))
    );
    for name in ["employer R1", "bureau B1", "self-administering R0"] {
        assert_eq!(requests::submits_as(actor(name)), None, "{name}");
    }
    assert_eq!(requests::submits_as(Actor::system()), None);
}

/// Sync tokens reach approved and processed requests: a bureau's of its current clients, a
/// self-administering employer's of itself — not of an employer with a bureau by its number.
#[test]
fn what_a_sync_token_reaches_of_requests() {
    use crate::domain::request::RequestState::{Approved, Processed, Rejected, Submitted};
    use requests::{RequestFacts, token_reaches_request};
    let own = crate::domain::Lhn::parse("123456782L01").unwrap();
    let other = crate::domain::Lhn::parse("131459077L01").unwrap();
    let facts = |bureau, lhn, state| RequestFacts {
        employee: E0,
        employer: R0,
        employer_bureau: bureau,
        employer_lhn: lhn,
        state,
    };
    let bureau = TokenScope::Bureau(B1);
    let employer = TokenScope::Employer(own.clone());
    assert!(token_reaches_request(
        &bureau,
        &facts(Some(B1), &other, Approved)
    ));
    assert!(token_reaches_request(
        &bureau,
        &facts(Some(B1), &other, Processed)
    ));
    assert!(!token_reaches_request(
        &bureau,
        &facts(Some(B1), &other, Submitted)
    ));
    assert!(!token_reaches_request(
        &bureau,
        &facts(Some(B1), &other, Rejected)
    ));
    assert!(!token_reaches_request(
        &bureau,
        &facts(Some(B2), &other, Approved)
    ));
    assert!(token_reaches_request(
        &employer,
        &facts(None, &own, Approved)
    ));
    assert!(!token_reaches_request(
        &employer,
        &facts(Some(B1), &own, Approved)
    ));
    assert!(!token_reaches_request(
        &employer,
        &facts(None, &other, Approved)
    ));
}

/// Rule 9: who sees a document's access history — the owner party of its dossier only.
#[test]
fn only_the_dossier_owner_sees_who_opened_its_documents() {
    let e1 = Dossier::Employee {
        employee: E1,
        employer: R1,
    };
    let cases = [
        ("employee E1", e1, true),
        ("colleague E2", e1, false),
        ("employer R1", e1, false),
        ("bureau B1", e1, false),
        ("employer R1", Dossier::Employer(R1), true),
        ("bureau B1", Dossier::Employer(R1), false),
        ("employee E1", Dossier::Employer(R1), false),
        ("bureau B1", Dossier::Bureau(B1), true),
        ("other bureau B2", Dossier::Bureau(B1), false),
        ("self-administering R0", Dossier::Employer(R0), true),
    ];
    for (name, dossier, expected) in cases {
        assert_eq!(
            sees_access_history(actor(name), dossier),
            expected,
            "{name} × {dossier:?}"
        );
    }
    assert!(!sees_access_history(Actor::system(), e1));
}

/// An employer's logins manage each other's colleagues: any of them lists and invites; each
/// removes a colleague of its own employer, never the employer's own login nor itself.
#[test]
fn employer_logins_manage_their_colleagues() {
    use crate::domain::party::AccountParty;
    let own_login = AccountKey(1);
    let colleague = AccountKey(2);
    let r1 = AccountParty::Employer(R1);
    assert_eq!(colleagues_managed_by(actor("employer R1")), Some(R1));
    for name in ["employee E1", "bureau B1", "self-administering R0"] {
        let expected = (name == "self-administering R0").then_some(R0);
        assert_eq!(colleagues_managed_by(actor(name)), expected, "{name}");
    }
    assert_eq!(colleagues_managed_by(Actor::system()), None);
    // `actor("employer R1")` signs in as account 1.
    let cases = [
        ("employer R1", colleague, r1, true, true),
        ("employer R1", own_login, r1, true, false),
        ("employer R1", colleague, r1, false, false),
        ("other employer R2", colleague, r1, true, false),
        ("bureau B1", colleague, r1, true, false),
        ("employee E1", colleague, r1, true, false),
        (
            "employer R1",
            colleague,
            AccountParty::Employer(R2),
            true,
            false,
        ),
    ];
    for (name, target, party, is_colleague, expected) in cases {
        assert_eq!(
            may_remove_colleague(actor(name), target, party, is_colleague),
            expected,
            "{name} removes {target:?} of {party:?} (colleague: {is_colleague})"
        );
    }
    assert!(!may_remove_colleague(Actor::system(), colleague, r1, true));
}
