//! The SQL scope equals the Rust rule: for many random worlds, what each actor's queries return
//! is exactly "all documents filtered by `domain::access::may`".

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;

use crate::domain::access::{Action, addressed_to, may};
use crate::domain::{
    AccountKey, Actor, BureauKey, DocumentFacts, DocumentKey, DocumentKind, Dossier, EmployeeKey,
    EmployerKey, NewDocument, Origin, Period, PeriodKind, Placer, PublicId, Shares, Year,
};
use crate::store::documents::{self, Section};
use crate::store::marks;
use crate::store::migrate::migrate;
use crate::store::unread;

const WORLDS: u64 = 1_000;

/// Nine digits that pass the eleven check: the employers' wage-tax numbers, one per employer
/// of a world (at most five).
const LHNS: [&str; 5] = [
    "131459077",
    "123456782",
    "009633042",
    "127819277",
    "164879845",
];

/// A generated world, kept in Rust so the expected answer does not come from SQL.
struct World {
    bureaus: Vec<BureauKey>,
    employers: Vec<(EmployerKey, Option<BureauKey>)>,
    employees: Vec<(EmployeeKey, EmployerKey)>,
    documents: BTreeMap<DocumentKey, (DocumentFacts, Year)>,
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn build(conn: &mut Connection, rng: &mut StdRng) -> World {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap();
    let tx = conn.transaction().unwrap();
    let mut world = World {
        bureaus: Vec::new(),
        employers: Vec::new(),
        employees: Vec::new(),
        documents: BTreeMap::new(),
    };
    for b in 0..rng.random_range(1..=3) {
        tx.execute(
            "INSERT INTO bureaus (public_id, client_number, name, created_at) VALUES (?1, ?2, 'B', 'x')",
            (PublicId::random().to_string(), format!("K{b}")),
        )
        .unwrap();
        world.bureaus.push(BureauKey(tx.last_insert_rowid()));
    }
    let employers = rng.random_range(1..=LHNS.len());
    for lhn in &LHNS[..employers] {
        let bureau = rng.random_bool(0.7).then(|| pick(rng, &world.bureaus));
        tx.execute(
            "INSERT INTO employers (public_id, bureau_id, lhn, name, email, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'R', 'r@x.nl', 'x', 'x')",
            (
                PublicId::random().to_string(),
                bureau.map(|b| b.0),
                format!("{lhn}L01"),
            ),
        )
        .unwrap();
        let employer = EmployerKey(tx.last_insert_rowid());
        world.employers.push((employer, bureau));
        for n in 0..rng.random_range(0..=4) {
            tx.execute(
                "INSERT INTO employees (public_id, employer_id, personnel_number, name, birth_date, \
                     bsn, work_email, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, 'W', '1980-01-01', '009633042', 'w@x.nl', 'x', 'x')",
                (PublicId::random().to_string(), employer.0, n.to_string()),
            )
            .unwrap();
            world
                .employees
                .push((EmployeeKey(tx.last_insert_rowid()), employer));
        }
    }
    let mut dossiers: Vec<Dossier> = world.bureaus.iter().map(|b| Dossier::Bureau(*b)).collect();
    dossiers.extend(world.employers.iter().map(|(r, _)| Dossier::Employer(*r)));
    dossiers.extend(
        world
            .employees
            .iter()
            .map(|(employee, employer)| Dossier::Employee {
                employee: *employee,
                employer: *employer,
            }),
    );
    for index in 0..rng.random_range(0..=25_i64) {
        let dossier = pick(rng, &dossiers);
        let employer_bureau = dossier
            .employer()
            .and_then(|r| world.employers.iter().find(|(k, _)| *k == r))
            .and_then(|(_, b)| *b);
        let payroll = !matches!(dossier, Dossier::Bureau(_)) && rng.random_bool(0.6);
        let origin = if payroll {
            let employer = dossier.employer().unwrap();
            // Mostly the current bureau; sometimes the employer itself or another bureau
            // (a client that changed bureaus).
            Origin::Payroll(match (employer_bureau, rng.random_range(0..4)) {
                (Some(b), 0..=1) => Placer::Bureau(b),
                (_, 2) => Placer::Bureau(pick(rng, &world.bureaus)),
                _ => Placer::Employer(employer),
            })
        } else {
            Origin::Upload
        };
        // Shares: an employee's upload with its employer and sometimes onward to a bureau; an
        // employer's with a bureau — mostly its current one, sometimes one it had before.
        let some_bureau = pick(rng, &world.bureaus);
        let bureau_share = if rng.random_bool(0.7) {
            employer_bureau.or(Some(some_bureau))
        } else {
            Some(some_bureau)
        };
        let (share, onward) = (rng.random_bool(0.5), rng.random_bool(0.5));
        let shared = match (origin, dossier) {
            (Origin::Upload, Dossier::Employee { .. }) if share => Shares {
                with_employer: true,
                with_bureau: if onward { bureau_share } else { None },
            },
            (Origin::Upload, Dossier::Employer(_)) if share => Shares {
                with_employer: false,
                with_bureau: bureau_share,
            },
            _ => Shares::NONE,
        };
        let removed = rng.random_bool(0.15);
        let year = Year::new(2000 + index).unwrap();
        let kind = match (origin, dossier) {
            (Origin::Upload, _) => DocumentKind::Other,
            (_, Dossier::Employee { .. }) => DocumentKind::Payslip,
            _ => DocumentKind::Report,
        };
        let key = documents::insert(
            &tx,
            &NewDocument {
                public_id: PublicId::random(),
                dossier,
                origin,
                uploaded_by: None,
                kind,
                year,
                period: Period::new(PeriodKind::Month, 1).unwrap(),
                title: format!("doc {index}"),
                file_name: "f.pdf".into(),
                media_type: "application/pdf".into(),
                size: 1,
                sha256: String::new(),
                file_id: String::new(),
                created_at: at,
                corrects: None,
                version: 1,
            },
        )
        .unwrap();
        if shared.any() {
            tx.execute(
                "INSERT INTO accounts (public_id, username, username_folded, role, bureau_id, created_at) \
                 SELECT ?1, ?1, ?1, 'bureau', ?2, 'x' WHERE NOT EXISTS (SELECT 1 FROM accounts WHERE id = 1)",
                (PublicId::random().to_string(), world.bureaus[0].0),
            )
            .unwrap();
            if shared.with_employer {
                marks::share(&tx, key, marks::Recipient::Employer, AccountKey(1), at).unwrap();
            }
            if let Some(bureau) = shared.with_bureau {
                marks::share(
                    &tx,
                    key,
                    marks::Recipient::Bureau(bureau),
                    AccountKey(1),
                    at,
                )
                .unwrap();
            }
        }
        if removed {
            if payroll {
                documents::mark_retracted(&tx, key, at).unwrap();
            } else {
                documents::mark_deleted(&tx, key, at).unwrap();
            }
        }
        let facts = DocumentFacts {
            dossier,
            employer_bureau,
            origin,
            shared,
            removed,
        };
        world.documents.insert(key, (facts, year));
    }
    tx.commit().unwrap();
    world
}

fn actors(world: &World) -> Vec<Actor> {
    let account = AccountKey(0);
    let mut all: Vec<Actor> = world
        .bureaus
        .iter()
        .map(|b| Actor::Bureau {
            account,
            bureau: *b,
        })
        .collect();
    all.extend(world.employers.iter().map(|(r, _)| Actor::Employer {
        account,
        employer: *r,
    }));
    all.extend(
        world
            .employees
            .iter()
            .map(|(employee, employer)| Actor::Employee {
                account,
                employee: *employee,
                employer: *employer,
            }),
    );
    all.push(Actor::System);
    all
}

#[test]
fn sql_scope_equals_the_rust_rule_in_random_worlds() {
    let mut checked_documents = 0;
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    conn.set_prepared_statement_cache_capacity(128);
    migrate(&mut conn, "2026-01-01T00:00:00Z").unwrap();
    for seed in 0..WORLDS {
        let mut rng = StdRng::seed_from_u64(seed);
        // Each world starts empty; without AUTOINCREMENT the row ids restart as well.
        conn.execute_batch(
            "DELETE FROM shares; DELETE FROM documents; DELETE FROM accounts; \
             DELETE FROM employees; DELETE FROM employers; DELETE FROM bureaus;",
        )
        .unwrap();
        let world = build(&mut conn, &mut rng);
        checked_documents += world.documents.len();
        for actor in actors(&world) {
            let expected: BTreeSet<DocumentKey> = world
                .documents
                .iter()
                .filter(|(_, (facts, _))| !facts.removed && may(actor, Action::List, facts))
                .map(|(key, _)| *key)
                .collect();
            let got: BTreeSet<DocumentKey> = documents::all_visible(&conn, actor)
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(got, expected, "seed {seed}, {actor:?}");

            // Ongelezen (nothing read yet) is exactly what the rule calls news, and the badge
            // counts the same.
            let news: BTreeSet<DocumentKey> = world
                .documents
                .iter()
                .filter(|(_, (facts, _))| addressed_to(actor, facts))
                .map(|(key, _)| *key)
                .collect();
            let account = AccountKey(0);
            let listed: BTreeSet<DocumentKey> = unread::unread(&conn, actor, account, 10_000)
                .unwrap()
                .into_iter()
                .map(|u| u.record.key)
                .collect();
            assert_eq!(listed, news, "seed {seed}, unread of {actor:?}");
            assert_eq!(
                unread::unread_count(&conn, actor, account, 10_000).unwrap(),
                news.len() as u64,
                "seed {seed}, unread count of {actor:?}"
            );

            // The per-dossier lists (both sections) agree too, for a sample of documents.
            let sample: Vec<_> = world
                .documents
                .iter()
                .filter(|_| rng.random_bool(0.2))
                .collect();
            for (key, (facts, year)) in sample {
                let listed: BTreeSet<DocumentKey> = [Section::Payroll, Section::Other]
                    .into_iter()
                    .flat_map(|section| {
                        documents::list_dossier(&conn, actor, facts.dossier, *year, section, None)
                            .unwrap()
                    })
                    .map(|l| l.record.key)
                    .collect();
                assert_eq!(
                    listed.contains(key),
                    expected.contains(key),
                    "seed {seed}, {actor:?}, document {key:?} in its dossier list"
                );
            }
        }
    }
    assert!(
        checked_documents > 10_000,
        "worlds too small: {checked_documents}"
    );
}

/// The request lists' SQL equals `access::requests` in random worlds: an employer's inbox, a
/// bureau's (approved and processed of its current clients), an employee's own, and what each
/// sync token reaches per state.
#[test]
fn request_lists_equal_the_rust_rule_in_random_worlds() {
    use crate::domain::access::TokenScope;
    use crate::domain::access::requests::{
        RequestFacts, inbox_of, sees_request, token_reaches_request,
    };
    use crate::domain::request::{RequestKind, RequestState};
    use crate::store::requests::{self as store_requests, InboxFilter, NewRequest};

    let mut checked = 0;
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    migrate(&mut conn, "2026-01-01T00:00:00Z").unwrap();
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap();
    for seed in 0..200 {
        let mut rng = StdRng::seed_from_u64(seed);
        conn.execute_batch(
            "DELETE FROM request_events; DELETE FROM requests; DELETE FROM shares; \
             DELETE FROM documents; DELETE FROM accounts; DELETE FROM employees; \
             DELETE FROM employers; DELETE FROM bureaus;",
        )
        .unwrap();
        let world = build(&mut conn, &mut rng);
        let tx = conn.transaction().unwrap();
        tx.execute(
            "INSERT OR IGNORE INTO accounts (id, public_id, username, username_folded, role, bureau_id, created_at) \
             VALUES (1, 'a', 'a', 'a', 'bureau', ?1, 'x')",
            [world.bureaus[0].0],
        )
        .unwrap();
        let mut requests = Vec::new();
        for (employee, employer) in &world.employees {
            for _ in 0..rng.random_range(0..=3) {
                let key = store_requests::insert(
                    &tx,
                    &NewRequest {
                        public_id: PublicId::random(),
                        employee: *employee,
                        employer: *employer,
                        kind: RequestKind::Leave,
                        details_sealed: "x",
                        at,
                    },
                    AccountKey(1),
                    "W",
                )
                .unwrap();
                let state = pick(&mut rng, &RequestState::ALL);
                let path: &[RequestState] = match state {
                    RequestState::Submitted => &[],
                    RequestState::Processed => &[RequestState::Approved, RequestState::Processed],
                    other => &[other],
                };
                let mut from = RequestState::Submitted;
                for next in path {
                    assert!(
                        store_requests::change_state(&tx, key, from, *next, at, None, "x", None)
                            .unwrap()
                    );
                    from = *next;
                }
                let bureau = world
                    .employers
                    .iter()
                    .find(|(r, _)| r == employer)
                    .and_then(|(_, b)| *b);
                requests.push((key, *employee, *employer, bureau, state));
            }
        }
        tx.commit().unwrap();
        checked += requests.len();
        let lhns: BTreeMap<EmployerKey, crate::domain::Lhn> = world
            .employers
            .iter()
            .enumerate()
            .map(|(i, (r, _))| {
                (
                    *r,
                    crate::domain::Lhn::parse(&format!("{}L01", LHNS[i])).unwrap(),
                )
            })
            .collect();
        let facts = |(_, employee, employer, bureau, state): &(
            _,
            EmployeeKey,
            EmployerKey,
            Option<BureauKey>,
            RequestState,
        )| RequestFacts {
            employee: *employee,
            employer: *employer,
            employer_bureau: *bureau,
            employer_lhn: &lhns[employer],
            state: *state,
        };
        for actor in actors(&world) {
            let expected: BTreeSet<i64> = requests
                .iter()
                .filter(|r| sees_request(actor, &facts(r)))
                .map(|r| r.0.0)
                .collect();
            let got: BTreeSet<i64> = match (actor, inbox_of(actor)) {
                (_, Some(inbox)) => {
                    store_requests::of_inbox(&conn, inbox, InboxFilter::default()).unwrap()
                }
                (Actor::Employee { employee, .. }, None) => {
                    store_requests::of_employee(&conn, employee).unwrap()
                }
                _ => continue,
            }
            .into_iter()
            .map(|r| r.key.0)
            .collect();
            assert_eq!(got, expected, "seed {seed}, {actor:?}");
        }
        let mut scopes: Vec<TokenScope> = world
            .bureaus
            .iter()
            .map(|b| TokenScope::Bureau(*b))
            .collect();
        scopes.extend(lhns.values().map(|l| TokenScope::Employer(l.clone())));
        for scope in scopes {
            for state in [RequestState::Approved, RequestState::Processed] {
                let expected: BTreeSet<i64> = requests
                    .iter()
                    .filter(|r| r.4 == state && token_reaches_request(&scope, &facts(r)))
                    .map(|r| r.0.0)
                    .collect();
                let got: BTreeSet<i64> =
                    store_requests::for_payroll_after(&conn, &scope, state, 0, 10_000)
                        .unwrap()
                        .into_iter()
                        .map(|r| r.key.0)
                        .collect();
                assert_eq!(got, expected, "seed {seed}, {scope:?}, {state:?}");
            }
        }
    }
    assert!(checked > 1_000, "worlds too small: {checked}");
}
