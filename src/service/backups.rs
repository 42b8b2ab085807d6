//! Payroll-software backups through the sync API: upload (streamed, durable before the oldest
//! beyond the limit is removed), list, restore, delete; and the same list, download and
//! delete for the Backups page.

use bytes::Buf;
use chrono::{DateTime, Utc};
use futures_util::Stream;

use super::file_names::clean_file_name;
use super::files::{OpenedDocument, RequestContext};
use super::sync::ApiClient;
use super::{ServiceError, Services};
use crate::blobs::{BlobError, FileId};
use crate::domain::access::TokenScope;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::{Actor, PublicId};
use crate::store::audit;
use crate::store::backups::{self, BackupRow, NewBackup};

/// A backup as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub id: PublicId,
    pub file_name: String,
    pub description: String,
    pub size: u64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

impl From<BackupRow> for BackupInfo {
    fn from(row: BackupRow) -> Self {
        Self {
            id: row.public_id,
            file_name: row.file_name,
            description: row.description,
            size: row.size,
            sha256: row.sha256,
            created_at: row.created_at,
        }
    }
}

impl Services {
    fn backup_event(
        &self,
        client: &ApiClient,
        action: AuditAction,
        id: PublicId,
        ctx: RequestContext,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            account: None,
            actor: client.label(),
            action,
            subject: Some(id.to_string()),
            client_addr: ctx.client_addr.map(|a| a.to_string()),
            detail: None,
        }
    }

    /// Stores a backup; then removes this client's oldest beyond the configured number — only
    /// after the new one is on disk and committed.
    pub async fn store_backup<S, B, E>(
        &self,
        client: &ApiClient,
        ctx: RequestContext,
        file_name: &str,
        description: &str,
        body: S,
    ) -> Result<BackupInfo, ServiceError>
    where
        S: Stream<Item = Result<B, E>>,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let file_name = clean_file_name(file_name);
        if file_name.is_empty() {
            return Err(ServiceError::invalid(
                "filename",
                "give the backup's file name",
            ));
        }
        let now = self.clock.now();
        let description: String = match description.trim() {
            // Without a description from the payroll software the list still says what each
            // backup is: "Backup Loket op 24-12 12:15:06" (the token's name, local time).
            "" => default_description(&client.name, now),
            given => given.chars().take(500).collect(),
        };
        let stored = self
            .blobs
            .put(body, self.settings.backup_max_bytes)
            .await
            .map_err(|e| match e {
                BlobError::TooLarge { limit } => ServiceError::TooLarge { limit },
                BlobError::Body(cause) => {
                    ServiceError::invalid("body", format!("the upload did not complete ({cause})"))
                }
                other => ServiceError::Blob(other),
            })?;
        if stored.size == 0 {
            // Nothing refers to it yet: it is ours to remove.
            let _ = self.blobs.delete(stored.id).await;
            return Err(ServiceError::EmptyFile { field: "body" });
        }
        let id = PublicId::random();
        let row = BackupRow {
            key: 0,
            public_id: id,
            file_name: file_name.clone(),
            description: description.clone(),
            size: stored.size,
            sha256: hex::encode(stored.sha256),
            file_id: stored.id.to_string(),
            created_at: now,
        };
        let owner = client.scope().clone();
        let event = self.backup_event(client, AuditAction::BackupStored, id, ctx);
        let keep = self.settings.backups_keep;
        let record = row.clone();
        let written = self
            .store
            .write(move |tx| -> Result<Vec<BackupRow>, ServiceError> {
                backups::insert(
                    tx,
                    &NewBackup {
                        public_id: record.public_id,
                        owner: &owner,
                        file_name: &record.file_name,
                        description: &record.description,
                        size: record.size,
                        sha256: &record.sha256,
                        file_id: &record.file_id,
                        created_at: record.created_at,
                    },
                )?;
                audit::append(tx, &[event])?;
                Ok(backups::of(tx, &owner)?.into_iter().skip(keep).collect())
            })
            .await;
        let surplus = match written {
            Ok(surplus) => surplus,
            Err(e) => {
                if let Err(cleanup) = self.blobs.delete(stored.id).await {
                    tracing::warn!(error = %cleanup, "could not remove the file of a failed backup");
                }
                return Err(e);
            }
        };
        for old in surplus {
            self.remove_backup_row_then_file(old).await?;
        }
        Ok(row.into())
    }

    /// Commit the row removal first, then unlink: a crash leaves an orphan file, never a row
    /// without its file.
    async fn remove_backup_row_then_file(&self, row: BackupRow) -> Result<(), ServiceError> {
        let key = row.key;
        self.store
            .write(move |tx| -> Result<bool, ServiceError> { Ok(backups::delete(tx, key)?) })
            .await?;
        if let Some(file) = FileId::parse(&row.file_id) {
            match self.blobs.delete(file).await {
                Ok(()) | Err(BlobError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    pub async fn backups(&self, client: &ApiClient) -> Result<Vec<BackupInfo>, ServiceError> {
        let owner = client.scope().clone();
        let rows = self
            .store
            .read(move |conn| -> Result<_, ServiceError> { Ok(backups::of(conn, &owner)?) })
            .await?;
        Ok(rows.into_iter().map(BackupInfo::from).collect())
    }

    async fn backup_row(
        &self,
        client: &ApiClient,
        id: PublicId,
    ) -> Result<BackupRow, ServiceError> {
        let owner = client.scope().clone();
        self.store
            .read(move |conn| -> Result<_, ServiceError> { Ok(backups::find(conn, &owner, id)?) })
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// Opens a backup for restoring (always a download).
    pub async fn open_backup(
        &self,
        client: &ApiClient,
        ctx: RequestContext,
        id: PublicId,
    ) -> Result<OpenedDocument, ServiceError> {
        let row = self.backup_row(client, id).await?;
        let event = self.backup_event(client, AuditAction::Download, id, ctx);
        self.open_backup_row(row, event, ctx.head_only).await
    }

    /// A backup's file as a download; the audit event is written once the file opened (not
    /// for a HEAD, which sends no bytes).
    async fn open_backup_row(
        &self,
        row: BackupRow,
        event: AuditEvent,
        head_only: bool,
    ) -> Result<OpenedDocument, ServiceError> {
        let file = FileId::parse(&row.file_id).ok_or(BlobError::NotFound)?;
        let (file, size) = self.blobs.open(file).await?;
        if !head_only {
            self.audit.record(event, None).await;
        }
        Ok(OpenedDocument {
            id: row.public_id,
            file,
            size,
            media_type: "application/octet-stream".to_owned(),
            file_name: row.file_name,
            inline: false,
            sha256: row.sha256,
        })
    }

    pub async fn delete_backup(
        &self,
        client: &ApiClient,
        ctx: RequestContext,
        id: PublicId,
    ) -> Result<(), ServiceError> {
        let row = self.backup_row(client, id).await?;
        let event = self.backup_event(client, AuditAction::BackupDeleted, id, ctx);
        self.audit.record(event, None).await;
        self.remove_backup_row_then_file(row).await
    }
}

/// Whose backups a signed-in party sees: a bureau its own, an employer that runs its own
/// payroll its own; nobody else any.
fn backup_owner(
    conn: &crate::store::Connection,
    actor: Actor,
) -> Result<Option<TokenScope>, crate::store::StoreError> {
    let own_payroll = match actor {
        Actor::Employer { employer, .. } => crate::store::parties::employer(conn, employer)?
            .filter(|r| r.bureau.is_none())
            .map(|r| r.data.lhn),
        _ => None,
    };
    Ok(crate::domain::access::backups_of(
        actor,
        own_payroll.as_ref(),
    ))
}

/// The Backups page: the same backups the payroll software lists, for its people.
impl Services {
    /// The actor's backups, newest first; "not found" for whoever has no Backups page.
    pub async fn backups_of(&self, actor: Actor) -> Result<Vec<BackupInfo>, ServiceError> {
        let rows = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                match backup_owner(conn, actor)? {
                    Some(owner) => Ok(Some(backups::of(conn, &owner)?)),
                    None => Ok(None),
                }
            })
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(rows.into_iter().map(BackupInfo::from).collect())
    }

    async fn backup_rows_of(
        &self,
        actor: Actor,
        ids: Vec<PublicId>,
    ) -> Result<Vec<BackupRow>, ServiceError> {
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some(owner) = backup_owner(conn, actor)? else {
                    return Err(ServiceError::NotFound);
                };
                ids.into_iter()
                    .map(|id| backups::find(conn, &owner, id)?.ok_or(ServiceError::NotFound))
                    .collect()
            })
            .await
    }

    /// Downloads one of the actor's backups (audited).
    pub async fn open_backup_as(
        &self,
        actor: Actor,
        ctx: RequestContext,
        id: PublicId,
    ) -> Result<OpenedDocument, ServiceError> {
        let row = self
            .backup_rows_of(actor, vec![id])
            .await?
            .pop()
            .ok_or(ServiceError::NotFound)?;
        let event = self.audit_event(actor, AuditAction::Download, id, ctx, None);
        self.open_backup_row(row, event, ctx.head_only).await
    }

    /// Deletes the selected backups: if one of them is not the actor's, none is deleted.
    pub async fn delete_backups_as(
        &self,
        actor: Actor,
        ctx: RequestContext,
        ids: Vec<PublicId>,
    ) -> Result<usize, ServiceError> {
        let rows = self.backup_rows_of(actor, ids).await?;
        let count = rows.len();
        for row in rows {
            let event =
                self.audit_event(actor, AuditAction::BackupDeleted, row.public_id, ctx, None);
            self.audit.record(event, None).await;
            self.remove_backup_row_then_file(row).await?;
        }
        Ok(count)
    }
}

/// The description a backup gets when the payroll software sends none, as in the seed's
/// screens: "Backup <token name> op 24-12 12:15:06" (day, month and time in Dutch local time).
fn default_description(token_name: &str, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Amsterdam);
    format!(
        "Backup {} op {}",
        token_name.trim(),
        local.format("%d-%m %H:%M:%S")
    )
}

#[cfg(test)]
mod description_tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_backup_without_description_is_named_after_its_token_and_local_time() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 24, 11, 15, 6)
            .single()
            .unwrap();
        assert_eq!(
            default_description("Loket", at),
            "Backup Loket op 24-12 12:15:06"
        );
    }
}
