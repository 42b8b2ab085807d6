//! Store tests on a real SQLite file in a temp dir.

use super::*;

const NOW: &str = "2026-11-27T10:00:00Z";

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("db.sqlite"), NOW, 2).unwrap()
}

/// A store with one more table, `t (n INTEGER NOT NULL)`, for writes to fill.
async fn with_numbers(dir: &tempfile::TempDir) -> Store {
    let store = open(dir);
    store
        .write(|tx| -> Result<_, StoreError> {
            tx.execute_batch("CREATE TABLE t (n INTEGER NOT NULL)")?;
            Ok(())
        })
        .await
        .unwrap();
    store
}

#[tokio::test]
async fn new_database_is_migrated_and_durable() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let (version, sync, fk, mode, created) = store
        .write(|tx| -> Result<_, StoreError> {
            Ok((
                tx.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?,
                tx.query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))?,
                tx.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, i64>(0))?,
                tx.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))?,
                tx.query_row("SELECT created_at FROM installation", [], |r| {
                    r.get::<_, String>(0)
                })?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(sync, 2, "synchronous must be FULL");
    assert_eq!(fk, 1);
    assert_eq!(mode, "wal");
    assert_eq!(created, NOW);
    store.ping().await.unwrap();
}

#[tokio::test]
async fn reopening_does_not_migrate_again() {
    let dir = tempfile::tempdir().unwrap();
    open(&dir).close().unwrap();
    let store = open(&dir);
    let rows = store
        .read(|c| -> Result<_, StoreError> {
            Ok(c.query_row("SELECT count(*) FROM installation", [], |r| {
                r.get::<_, i64>(0)
            })?)
        })
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn newer_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
            .unwrap();
    }
    let err = Store::open(&path, NOW, 1).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 999, supported } if supported == SCHEMA_VERSION)
    );
    assert!(err.to_string().contains("newer loondossier"), "{err}");
    let conn = Connection::open(&path).unwrap();
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 999);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'installation'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "nothing may be written to a newer database");
}

#[tokio::test]
async fn failed_write_rolls_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let result: Result<(), StoreError> = store
        .write(|tx| -> Result<_, StoreError> {
            tx.execute("UPDATE installation SET created_by = 'changed'", [])?;
            // Second statement fails: the first must not stick.
            tx.execute(
                "INSERT INTO installation (id, created_at, created_by) VALUES (2, 'x', 'y')",
                [],
            )?;
            Ok(())
        })
        .await;
    assert!(result.is_err());
    let by = store
        .read(|c| -> Result<_, StoreError> {
            Ok(c.query_row("SELECT created_by FROM installation", [], |r| {
                r.get::<_, String>(0)
            })?)
        })
        .await
        .unwrap();
    assert!(by.starts_with("loondossier "), "{by}");
}

/// Writes that wait while another commits go in as one group, one transaction and one fsync;
/// the one among them that fails is undone alone and the others stay; every caller hears only
/// after the commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(
    clippy::await_holding_lock,
    reason = "the test holds the writer's connection on purpose, so that the writes queue up"
)]
async fn waiting_writes_commit_together_and_fail_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_numbers(&dir).await;
    let before = store.inner.writer.groups();
    // Hold the connection as a long commit would, until all ten writes wait behind it.
    let held = store.inner.writer.connection();
    // Queued one by one, so that the failing first one runs bare and the other in a savepoint.
    let mut writes = Vec::new();
    for n in 0..10_i64 {
        let queued = store.clone();
        writes.push(tokio::spawn(async move {
            queued
                .write(move |tx| -> Result<_, StoreError> {
                    tx.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
                    if n == 0 || n == 3 {
                        // Fails after its insert: only this insert goes.
                        tx.execute("INSERT INTO t (n) VALUES (NULL)", [])?;
                    }
                    Ok(n)
                })
                .await
        }));
        while store.inner.writer.waiting() < usize::try_from(n + 1).unwrap() {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }
    drop(held);
    let mut answers = Vec::new();
    for write in writes {
        answers.push(write.await.unwrap().ok());
    }
    assert_eq!(
        store.inner.writer.groups() - before,
        1,
        "one group for all ten"
    );
    let expected: Vec<Option<i64>> = (0..10).map(|n| (n != 0 && n != 3).then_some(n)).collect();
    assert_eq!(answers, expected);
    let stored: Vec<i64> = store
        .read(|c| -> Result<_, StoreError> {
            let mut s = c.prepare("SELECT n FROM t ORDER BY n")?;
            let rows = s.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
        .unwrap();
    assert_eq!(stored, vec![1, 2, 4, 5, 6, 7, 8, 9]);
}

/// A burst of writes waits on one committing thread, not on a blocking thread each; a write
/// whose caller went away is committed all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(
    clippy::await_holding_lock,
    reason = "the test holds the writer's connection on purpose, so that the writes queue up"
)]
async fn a_burst_of_writes_waits_on_one_committing_thread() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_numbers(&dir).await;
    // The thread that committed the table may still be finishing; the burst starts after it.
    while store.inner.writer.is_committing() {
        tokio::task::yield_now().await;
    }
    let before = store.inner.writer.committers();
    let held = store.inner.writer.connection();
    let insert = |n: i64| {
        let store = store.clone();
        async move {
            store
                .write(move |tx| -> Result<_, StoreError> {
                    tx.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
                    Ok(())
                })
                .await
        }
    };
    let burst: Vec<_> = (0..50).map(|n| tokio::spawn(insert(n))).collect();
    let gone = tokio::spawn(insert(50));
    while store.inner.writer.waiting() < 51 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    assert_eq!(
        store.inner.writer.committers() - before,
        1,
        "one committing thread for the whole burst"
    );
    // Its caller goes away while it waits (a browser that hung up).
    gone.abort();
    drop(held);
    for write in burst {
        write.await.unwrap().unwrap();
    }
    // Groups commit in order: once a later write is answered, the abandoned one is in.
    insert(51).await.unwrap();
    let count: i64 = store
        .read(|c| -> Result<_, StoreError> {
            Ok(c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert_eq!(count, 52);
}

/// Emptying the WAL while another connection is in the middle of a read does what it can and
/// says it did not get all of it; a write from another process meanwhile waits for it and goes
/// in. Once the read is done, the WAL empties.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emptying_the_wal_is_best_effort_and_writers_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = with_numbers(&dir).await;
    let insert = |n: i64| {
        move |tx: &rusqlite::Transaction<'_>| -> Result<(), StoreError> {
            tx.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
            Ok(())
        }
    };
    store.write(insert(1)).await.unwrap();
    let path = dir.path().join("db.sqlite");
    let reader = Connection::open(&path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, 1);
    // Another process's store (a command run by hand while the server runs).
    let other = Store::open(&path, NOW, 1).unwrap();
    let (emptied, wrote) = tokio::join!(store.truncate_wal(), other.write(insert(2)));
    assert!(
        !emptied.unwrap(),
        "the read in progress keeps part of the WAL"
    );
    wrote.unwrap();
    reader.execute_batch("COMMIT").unwrap();
    assert!(store.truncate_wal().await.unwrap());
    let wal = std::fs::metadata(dir.path().join("db.sqlite-wal")).unwrap();
    assert_eq!(wal.len(), 0);
}

#[tokio::test]
async fn readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let err = store
        .read(|c| -> Result<_, StoreError> { Ok(c.execute("DELETE FROM installation", [])?) })
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("readonly") || err.to_string().contains("read"),
        "{err}"
    );
}

#[tokio::test]
async fn a_quick_read_sees_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let path = dir.path().join("db.sqlite");
    let (before, during) = store
        .read_now(move |conn| -> Result<_, StoreError> {
            let by = |c: &Connection| {
                c.query_row("SELECT created_by FROM installation", [], |r| {
                    r.get::<_, String>(0)
                })
            };
            let before = by(conn)?;
            // Another connection commits between the closure's two statements.
            let other = Connection::open(&path)?;
            other.execute("UPDATE installation SET created_by = 'someone else'", [])?;
            Ok((before, by(conn)?))
        })
        .await
        .unwrap();
    assert_ne!(before, "someone else");
    assert_eq!(
        during, before,
        "both statements read the snapshot of the first"
    );
    let after = store
        .read_now(|c| -> Result<String, StoreError> {
            Ok(c.query_row("SELECT created_by FROM installation", [], |r| r.get(0))?)
        })
        .await
        .unwrap();
    assert_eq!(after, "someone else", "the next read sees the commit");
    // A read that fails ends its snapshot too: the next one on the same reader is current.
    let failed = store
        .read_now(|c| -> Result<(), StoreError> {
            c.query_row("SELECT created_by FROM installation", [], |r| {
                r.get::<_, String>(0)
            })?;
            Err(StoreError::WorkerGone)
        })
        .await;
    assert!(failed.is_err());
    Connection::open(dir.path().join("db.sqlite"))
        .unwrap()
        .execute("UPDATE installation SET created_by = 'a third'", [])
        .unwrap();
    for _ in 0..2 {
        let now = store
            .read_now(|c| -> Result<String, StoreError> {
                Ok(c.query_row("SELECT created_by FROM installation", [], |r| r.get(0))?)
            })
            .await
            .unwrap();
        assert_eq!(now, "a third");
    }
}

/// The plan SQLite picks for `sql`, one line per step.
fn plan(store_conn: &Connection, sql: &str) -> String {
    let mut statement = store_conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    // Unbound parameters are NULL, which is all a plan needs.
    let mut rows = statement.raw_query();
    let mut steps = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        steps.push(row.get::<_, String>(3).unwrap());
    }
    steps.join("\n")
}

/// The pages every signed-in account sees on each visit must not walk a whole employer's
/// documents: the plans name the narrow indexes and need no sort for "newest first".
#[tokio::test]
async fn page_queries_use_narrow_indexes() {
    use crate::domain::{AccountKey, Actor, BureauKey, Dossier, EmployeeKey, EmployerKey};
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let employer = Actor::Employer {
        account: AccountKey(1),
        employer: EmployerKey(1),
    };
    let employee = Actor::Employee {
        account: AccountKey(2),
        employee: EmployeeKey(1),
        employer: EmployerKey(1),
    };
    let bureau = Actor::Bureau {
        account: AccountKey(3),
        bureau: BureauKey(1),
    };
    let plans = store
        .read(move |conn| -> Result<_, StoreError> {
            let own = Dossier::Employer(EmployerKey(1));
            let theirs = Dossier::Employee {
                employee: EmployeeKey(1),
                employer: EmployerKey(1),
            };
            let payroll = documents::Section::Payroll;
            Ok([
                plan(
                    conn,
                    &documents::list_dossier_sql(employer, own, documents::Section::Payroll),
                ),
                plan(
                    conn,
                    &documents::list_dossier_sql(employer, own, documents::Section::Other),
                ),
                plan(conn, &documents::dossier_years_sql(employer, own)),
                plan(
                    conn,
                    &documents::list_dossier_sql(bureau, own, documents::Section::Payroll),
                ),
                plan(
                    conn,
                    &documents::list_dossier_sql(
                        employee,
                        Dossier::Employee {
                            employee: EmployeeKey(1),
                            employer: EmployerKey(1),
                        },
                        documents::Section::Other,
                    ),
                ),
                plan(conn, &unread::unread_count_sql(employer)),
                plan(conn, &unread::unread_count_sql(employee)),
                plan(conn, &unread::unread_count_sql(bureau)),
                plan(
                    conn,
                    &documents::list_dossier_sql(employee, theirs, payroll),
                ),
                plan(
                    conn,
                    &documents::list_dossier_sql(employer, theirs, payroll),
                ),
                plan(conn, &documents::list_dossier_sql(bureau, theirs, payroll)),
            ])
        })
        .await
        .unwrap();
    // A year of payroll files comes from the dossier's index of its current ones, in page
    // order: no sort, no replaced or removed version visited.
    for own_dossier in [&plans[0], &plans[3]] {
        assert!(
            own_dossier.contains("documents_current_payroll_of_employer"),
            "{own_dossier}"
        );
    }
    assert!(
        plans[2].contains("documents_current_payroll_of_employer")
            || plans[2].contains("documents_of_employer_dossier"),
        "{}",
        plans[2]
    );
    for employee_dossier in &plans[8..11] {
        assert!(
            employee_dossier.contains("documents_current_payroll_of_employee"),
            "{employee_dossier}"
        );
    }
    for payroll in [&plans[0], &plans[3], &plans[8], &plans[9], &plans[10]] {
        assert!(!payroll.contains("TEMP B-TREE"), "{payroll}");
    }
    // "Overige bestanden" follow the dossier's own uploads, newest first without a sort,
    // never the employer's payroll files or every employee's uploads.
    assert!(
        plans[1].contains("documents_uploads_of_employer_dossier"),
        "{}",
        plans[1]
    );
    assert!(
        plans[4].contains("documents_uploads_by_employee"),
        "{}",
        plans[4]
    );
    for uploads in [&plans[1], &plans[4]] {
        assert!(!uploads.contains("TEMP B-TREE"), "{uploads}");
    }
    // News comes through the own dossier's current documents and the uploads' index, never by
    // walking every document an employer or bureau may open, nor replaced versions.
    assert!(
        plans[5].contains("documents_news_of_employer"),
        "{}",
        plans[5]
    );
    assert!(
        plans[5].contains("documents_uploads_by_employer"),
        "{}",
        plans[5]
    );
    assert!(
        plans[6].contains("documents_news_of_employee"),
        "{}",
        plans[6]
    );
    // The own dossier's index holds all the count needs: no list of ids is built first.
    for own in &plans[5..7] {
        assert!(!own.contains("LIST SUBQUERY"), "{own}");
    }
    assert!(plans[7].contains("employers_by_bureau"), "{}", plans[7]);
    assert!(plans[7].contains("shares_with_bureau"), "{}", plans[7]);
    // The whole Werknemers list is counted from the name index alone.
    let whole_list = store
        .read(|conn| -> Result<_, StoreError> {
            let matching = people::Matching::new(EmployerKey(1), None, None);
            Ok(plan(
                conn,
                &format!(
                    "SELECT count(*) FROM employees w WHERE {}",
                    matching.condition()
                ),
            ))
        })
        .await
        .unwrap();
    assert!(
        whole_list.contains("COVERING INDEX employees_by_name"),
        "{whole_list}"
    );
    for unread in &plans[5..8] {
        assert!(
            !unread.contains("SCAN d"),
            "no walk through documents: {unread}"
        );
    }
}

/// The kept unread badges rely on every trigger of `0021_unread_generations.sql`; a later
/// migration that rebuilds one of their tables would drop its triggers without a word.
#[tokio::test]
async fn the_unread_triggers_are_all_there() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let triggers = store
        .read(|conn| -> Result<Vec<(String, String)>, StoreError> {
            let mut statement = conn.prepare(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' \
                 AND name LIKE 'unread_on_%' ORDER BY name",
            )?;
            let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
        .unwrap();
    let expected = [
        ("unread_on_account_insert", "accounts"),
        ("unread_on_account_party", "accounts"),
        ("unread_on_document_delete", "documents"),
        ("unread_on_document_insert", "documents"),
        ("unread_on_document_update", "documents"),
        ("unread_on_employer_bureau", "employers"),
        ("unread_on_read_marker_delete", "read_markers"),
        ("unread_on_read_marker_insert", "read_markers"),
        ("unread_on_share_delete", "shares"),
        ("unread_on_share_insert", "shares"),
        ("unread_on_share_update", "shares"),
    ]
    .map(|(name, table)| (name.to_owned(), table.to_owned()));
    assert_eq!(triggers, expected);
}
