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
            &new_document(dossier, origin, kind, year, 1, format!("doc {index}")),
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

/// A one-byte PDF of `month` placed on 1 January 2026.
fn new_document(
    dossier: Dossier,
    origin: Origin,
    kind: DocumentKind,
    year: Year,
    month: i64,
    title: String,
) -> NewDocument {
    NewDocument {
        public_id: PublicId::random(),
        dossier,
        origin,
        uploaded_by: None,
        kind,
        year,
        period: Period::new(PeriodKind::Month, month).unwrap(),
        title,
        file_name: "f.pdf".into(),
        media_type: "application/pdf".into(),
        size: 1,
        sha256: String::new(),
        file_id: String::new(),
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap(),
        corrects: None,
        version: 1,
    }
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

/// An account for every party of `world` (besides the bureau account `build` may have made),
/// as the actors that sign in with them.
fn accounts_for(conn: &Connection, world: &World) -> Vec<Actor> {
    let add = |role: &str, bureau: Option<i64>, employer: Option<i64>, employee: Option<i64>| {
        let name = PublicId::random().to_string();
        conn.execute(
            "INSERT INTO accounts (public_id, username, username_folded, role, bureau_id, \
                 employer_id, employee_id, created_at) VALUES (?1, ?1, ?1, ?2, ?3, ?4, ?5, 'x')",
            (&name, role, bureau, employer, employee),
        )
        .unwrap();
        AccountKey(conn.last_insert_rowid())
    };
    let mut actors = Vec::new();
    for bureau in &world.bureaus {
        let account = add("bureau", Some(bureau.0), None, None);
        actors.push(Actor::Bureau {
            account,
            bureau: *bureau,
        });
    }
    for (employer, _) in &world.employers {
        let account = add("employer", None, Some(employer.0), None);
        actors.push(Actor::Employer {
            account,
            employer: *employer,
        });
    }
    for (employee, employer) in &world.employees {
        let account = add("employee", None, None, Some(employee.0));
        actors.push(Actor::Employee {
            account,
            employee: *employee,
            employer: *employer,
        });
    }
    actors
}

/// One random write of the kinds the portal makes (placing, replacing, retracting, deleting,
/// purging, reading, marking unread, sharing, withdrawing, moving an employer to another
/// bureau); says which.
fn random_write(
    conn: &mut Connection,
    rng: &mut StdRng,
    world: &World,
    actors: &[Actor],
) -> String {
    let at = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).single().unwrap();
    let tx = conn.transaction().unwrap();
    let documents: Vec<(DocumentKey, String, String)> = tx
        .prepare("SELECT id, origin, dossier_kind FROM documents")
        .unwrap()
        .query_map([], |r| Ok((DocumentKey(r.get(0)?), r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let account = pick(rng, actors).account().unwrap();
    let what = match (rng.random_range(0..10), documents.is_empty()) {
        (0, _) | (_, true) => {
            let (employee, employer) = if world.employees.is_empty() {
                return "nothing (no employees)".to_owned();
            } else {
                pick(rng, &world.employees)
            };
            let upload = rng.random_bool(0.4);
            let month = rng.random_range(1..=12);
            // A payslip for a month that has one replaces it, as placing through the API does.
            tx.execute(
                "UPDATE documents SET superseded_at = 'x' WHERE origin = 'payroll' \
                   AND employee_id = ?1 AND year = 2026 AND period = ?2 AND superseded_at IS NULL",
                (employee.0, month),
            )
            .unwrap();
            documents::insert(
                &tx,
                &new_document(
                    Dossier::Employee { employee, employer },
                    if upload {
                        Origin::Upload
                    } else {
                        Origin::Payroll(Placer::Employer(employer))
                    },
                    if upload {
                        DocumentKind::Other
                    } else {
                        DocumentKind::Payslip
                    },
                    Year::new(2026).unwrap(),
                    month,
                    "new".into(),
                ),
            )
            .unwrap();
            format!("placed ({})", if upload { "upload" } else { "payroll" })
        }
        (kind, false) => {
            let (key, origin, dossier_kind) = pick_ref(rng, &documents);
            match kind {
                1 | 2 => {
                    marks::mark_read(&tx, account, key, at).unwrap();
                    "read".to_owned()
                }
                3 => {
                    marks::mark_unread(&tx, account, key).unwrap();
                    "marked unread".to_owned()
                }
                4 => {
                    documents::supersede(&tx, key, at).unwrap();
                    "replaced".to_owned()
                }
                5 => {
                    documents::mark_deleted(&tx, key, at).unwrap();
                    "deleted".to_owned()
                }
                6 => {
                    documents::mark_retracted(&tx, key, at).unwrap();
                    "retracted".to_owned()
                }
                7 => {
                    tx.execute("DELETE FROM documents WHERE id = ?1", [key.0])
                        .unwrap();
                    "purged".to_owned()
                }
                8 if origin == "upload" => {
                    if rng.random_bool(0.5) && dossier_kind == "employee" {
                        marks::share(&tx, key, marks::Recipient::Employer, AccountKey(1), at)
                            .unwrap();
                        "shared with the employer".to_owned()
                    } else if rng.random_bool(0.5) {
                        let bureau = pick(rng, &world.bureaus);
                        marks::share(
                            &tx,
                            key,
                            marks::Recipient::Bureau(bureau),
                            AccountKey(1),
                            at,
                        )
                        .unwrap();
                        "shared with a bureau".to_owned()
                    } else {
                        marks::unshare(&tx, key, marks::Withdraw::All).unwrap();
                        "shares withdrawn".to_owned()
                    }
                }
                _ => {
                    let (employer, _) = pick(rng, &world.employers);
                    let bureau = pick(rng, &world.bureaus);
                    tx.execute(
                        "UPDATE employers SET bureau_id = ?2 WHERE id = ?1",
                        (employer.0, bureau.0),
                    )
                    .unwrap();
                    "employer moved to a bureau".to_owned()
                }
            }
        }
    };
    tx.commit().unwrap();
    what
}

fn pick_ref<T: Clone>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// The menu keeps each account's unread count until its generation moves
/// (`service::unread_badge`): so no write may change a count without raising the generation.
#[test]
fn every_write_that_changes_an_unread_count_raises_its_generation() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    migrate(&mut conn, "2026-01-01T00:00:00Z").unwrap();
    let mut writes = 0;
    for seed in 0..200 {
        let mut rng = StdRng::seed_from_u64(seed);
        conn.execute_batch(
            "DELETE FROM read_markers; DELETE FROM shares; DELETE FROM documents; \
             DELETE FROM accounts; DELETE FROM employees; DELETE FROM employers; \
             DELETE FROM bureaus;",
        )
        .unwrap();
        let world = build(&mut conn, &mut rng);
        let actors = accounts_for(&conn, &world);
        let state = |conn: &Connection| -> Vec<(i64, u64)> {
            actors
                .iter()
                .map(|actor| {
                    let account = actor.account().unwrap();
                    (
                        unread::generation(conn, account).unwrap(),
                        unread::unread_count(conn, *actor, account, 10_000).unwrap(),
                    )
                })
                .collect()
        };
        let mut before = state(&conn);
        for step in 0..40 {
            let what = random_write(&mut conn, &mut rng, &world, &actors);
            let after = state(&conn);
            for ((actor, was), now) in actors.iter().zip(&before).zip(&after) {
                if was.0 == now.0 {
                    assert_eq!(
                        was.1, now.1,
                        "seed {seed}, step {step} ({what}): the unread count of {actor:?} \
                         changed without its generation"
                    );
                }
            }
            before = after;
            writes += 1;
        }
    }
    assert_eq!(writes, 200 * 40);
}
