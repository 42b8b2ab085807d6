//! Demo payroll backups, so the Backups page has something to show: two from the bureau's
//! payroll software, one from the employer that runs its own payroll.

use chrono::{DateTime, Duration, Utc};

use crate::domain::access::TokenScope;
use crate::domain::{BureauKey, PublicId};
use crate::service::{ServiceError, Services};
use crate::store::backups::{self, NewBackup};
use crate::store::parties;

/// Stand-in for a payroll program's backup file: not a real database, just bytes of a
/// plausible size.
fn backup_bytes(owner: &str, at: DateTime<Utc>) -> Vec<u8> {
    format!("Loon backup {owner} {at}\n")
        .repeat(4_000)
        .into_bytes()
}

impl Services {
    pub(super) async fn demo_backups(
        &self,
        bureau: BureauKey,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let blobs = self.blobs.clone();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let mut made = vec![
                    (
                        TokenScope::Bureau(bureau),
                        "LB005359.lda",
                        now - Duration::days(8),
                    ),
                    (
                        TokenScope::Bureau(bureau),
                        "LB005360.lda",
                        now - Duration::days(1),
                    ),
                ];
                for lhn in parties::own_payroll_employers(tx, super::CLIENT_PREFIX)? {
                    made.push((
                        TokenScope::Employer(lhn),
                        "LW000412.lda",
                        now - Duration::days(3),
                    ));
                }
                for (owner, file_name, at) in &made {
                    let bytes = backup_bytes(file_name, *at);
                    let stored = blobs.write_unsynced(&bytes)?;
                    let description = format!("Backup Loon op {}", at.format("%d-%m %H:%M"));
                    backups::insert(
                        tx,
                        &NewBackup {
                            public_id: PublicId::random(),
                            owner,
                            file_name,
                            description: &description,
                            size: stored.size,
                            sha256: &hex::encode(stored.sha256),
                            file_id: &stored.id.to_string(),
                            created_at: *at,
                        },
                    )?;
                }
                Ok(())
            })
            .await
    }
}
