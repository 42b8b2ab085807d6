//! Working with documents: opening one to view or download, uploading one's own file, and the
//! checkbox actions (share, unshare, delete, mark read, mark unread).

use std::net::IpAddr;

use bytes::Buf;
use chrono::Datelike;
use futures_util::Stream;

use super::dossier::DocumentSummary;
use super::file_names::{clean_file_name, with_extension_of};
use super::sniff::{Empty, Rejected, Sniffing, UPLOAD_TYPES};
use super::{ServiceError, Services};
use crate::blobs::{BlobError, FileId};
use crate::domain::access::{Action, may, sees, sharing_from};
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::party::AccountParty;
use crate::domain::{Actor, DocumentKind, Dossier, NewDocument, Origin, Period, PublicId, Year};
use crate::store::marks::{self, Recipient, Withdraw};
use crate::store::{audit, documents};

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub client_addr: Option<IpAddr>,
    /// A HEAD request: the answer carries headers only, no bytes of the file, so opening a
    /// document or backup is neither audited as a view or download nor marks it read.
    pub head_only: bool,
}

/// Whether the browser should show the file or save it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    Inline,
    Attachment,
}

/// Types a browser may show inline; everything else is always downloaded.
const INLINE_TYPES: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

/// A document opened for streaming to the client.
#[derive(Debug)]
pub struct OpenedDocument {
    pub id: PublicId,
    pub file: crate::blobs::Content,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
    /// Shown in the browser (only for PDF, PNG and JPEG, and only when asked).
    pub inline: bool,
    pub sha256: String,
}

/// What the user tells about a file they upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRequest {
    pub kind: DocumentKind,
    /// The name on the user's computer; kept as metadata only.
    pub file_name: String,
}

/// A checkbox action on documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Share,
    Unshare,
    Delete,
    MarkRead,
    MarkUnread,
}

impl Change {
    fn action(self) -> Action {
        match self {
            Self::Share => Action::Share,
            Self::Unshare => Action::Unshare,
            Self::Delete => Action::Delete,
            Self::MarkRead | Self::MarkUnread => Action::MarkRead,
        }
    }

    fn audited(self) -> Option<AuditAction> {
        match self {
            Self::Share => Some(AuditAction::Share),
            Self::Unshare => Some(AuditAction::Unshare),
            Self::Delete => Some(AuditAction::Delete),
            Self::MarkRead | Self::MarkUnread => None,
        }
    }
}

/// How the audit log names an actor.
pub(super) fn actor_label(actor: Actor) -> &'static str {
    match actor {
        Actor::Employee { .. } => "employee",
        Actor::Employer { .. } => "employer",
        Actor::Bureau { .. } => "bureau",
        Actor::System => "system",
    }
}

/// Why a file from the browser was not stored: too large, not a type the form takes, empty,
/// cut off, or the file store's own trouble.
pub(super) fn refused_file(error: BlobError) -> ServiceError {
    match error {
        BlobError::TooLarge { limit } => ServiceError::TooLarge { limit },
        BlobError::Body(cause) if cause.is::<Rejected>() => ServiceError::UnsupportedType,
        BlobError::Body(cause) if cause.is::<Empty>() => ServiceError::EmptyFile { field: "file" },
        BlobError::Body(cause) => {
            ServiceError::invalid("file", format!("the upload did not complete ({cause})"))
        }
        other => ServiceError::Blob(other),
    }
}

impl Services {
    pub(super) fn audit_event(
        &self,
        actor: Actor,
        action: AuditAction,
        subject: PublicId,
        context: RequestContext,
        detail: Option<String>,
    ) -> AuditEvent {
        AuditEvent {
            at: self.clock.now(),
            account: actor.account(),
            actor: actor_label(actor).to_owned(),
            action,
            subject: Some(subject.to_string()),
            client_addr: context.client_addr.map(|a| a.to_string()),
            detail,
        }
    }

    /// Opens a document to show or download it; audits the access and marks it read.
    pub async fn open_document(
        &self,
        actor: Actor,
        context: RequestContext,
        id: PublicId,
        disposition: Disposition,
    ) -> Result<OpenedDocument, ServiceError> {
        let action = match disposition {
            Disposition::Inline => Action::View,
            Disposition::Attachment => Action::Download,
        };
        // A lookup by unique key: on this thread.
        let record = self
            .store
            .read_now(move |conn| documents::by_public_id(conn, id))
            .await?
            .filter(|r| may(actor, action, &r.facts))
            .ok_or(ServiceError::NotFound)?;
        let file_id = FileId::parse(&record.file_id).ok_or(BlobError::NotFound)?;
        let (file, size) = self.blobs.open(file_id).await?;
        let audited = match disposition {
            Disposition::Inline => AuditAction::View,
            Disposition::Attachment => AuditAction::Download,
        };
        if !context.head_only {
            let event = self.audit_event(actor, audited, id, context, None);
            let marker = actor.account().map(|account| (account, record.key));
            self.audit.record(event, marker).await;
        }
        Ok(OpenedDocument {
            id,
            file,
            size,
            inline: disposition == Disposition::Inline
                && INLINE_TYPES.contains(&record.media_type.as_str()),
            media_type: record.media_type,
            file_name: record.file_name,
            sha256: record.sha256,
        })
    }

    /// Stores a file the actor uploads into its own dossier, private until shared. The body is
    /// streamed to disk; its type is judged by its bytes; nothing is kept if anything fails.
    pub async fn upload<S, B, E>(
        &self,
        actor: Actor,
        context: RequestContext,
        request: UploadRequest,
        body: S,
    ) -> Result<DocumentSummary, ServiceError>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let dossier = actor.own_dossier().ok_or(ServiceError::NotFound)?;
        if !request.kind.is_upload_kind() {
            return Err(ServiceError::invalid(
                "kind",
                "choose the kind of file: id_copy, expense_claim or other",
            ));
        }
        let file_name = clean_file_name(&request.file_name);
        if file_name.is_empty() {
            return Err(ServiceError::invalid("file", "the file has no name"));
        }
        let quota = self.settings.upload_quota_bytes;
        let used = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(documents::upload_bytes(conn, dossier)?)
            })
            .await?;
        let room = quota.saturating_sub(used);
        if room == 0 {
            return Err(ServiceError::QuotaFull { limit: quota });
        }
        // Streamed no further than the room left: a full quota stops the upload, not the disk.
        let limit = self.settings.upload_max_bytes.min(room);
        let (sniffing, found) = Sniffing::new(body, UPLOAD_TYPES);
        let stored = self.blobs.put(sniffing, limit).await.map_err(|e| match e {
            BlobError::TooLarge { .. } if limit < self.settings.upload_max_bytes => {
                ServiceError::QuotaFull { limit: quota }
            }
            other => refused_file(other),
        })?;
        let media_type = found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .unwrap_or("application/octet-stream");
        let file_name = with_extension_of(&file_name, media_type);
        let now = self.clock.now();
        let year =
            Year::new(i64::from(now.year())).map_err(|e| ServiceError::invalid("year", e.0))?;
        let document = NewDocument {
            public_id: PublicId::random(),
            dossier,
            origin: Origin::Upload,
            uploaded_by: actor.account(),
            kind: request.kind,
            year,
            period: Period::whole_year(),
            title: file_name.clone(),
            file_name,
            media_type: media_type.to_owned(),
            size: stored.size,
            sha256: hex::encode(stored.sha256),
            file_id: stored.id.to_string(),
            created_at: now,
            corrects: None,
            version: 1,
        };
        let event = self.audit_event(
            actor,
            AuditAction::Upload,
            document.public_id,
            context,
            Some(format!("{} {} bytes", request.kind.as_str(), stored.size)),
        );
        let written = self
            .store
            .write(move |tx| -> Result<_, ServiceError> {
                // Asked again where it counts: two uploads at once share the room.
                if documents::upload_bytes(tx, dossier)? + document.size > quota {
                    return Err(ServiceError::QuotaFull { limit: quota });
                }
                let key = documents::insert(tx, &document)?;
                // One's own upload is not news to oneself.
                if let Some(account) = document.uploaded_by {
                    marks::mark_read(tx, account, key, now)?;
                }
                audit::append(tx, &[event])?;
                Ok(documents::by_public_id(tx, document.public_id)?)
            })
            .await;
        self.listed_or_removed(actor, written, stored.id).await
    }

    /// The answer for a file stored and then recorded by `written`: the new document as
    /// `actor` sees it, or — when the row never committed — the error, after removing the
    /// orphaned file at once.
    pub(super) async fn listed_or_removed(
        &self,
        actor: Actor,
        written: Result<Option<crate::domain::DocumentRecord>, ServiceError>,
        file: FileId,
    ) -> Result<DocumentSummary, ServiceError> {
        match written {
            Ok(Some(record)) => Ok(DocumentSummary::new(actor, &record, true)),
            Ok(None) => Err(ServiceError::NotFound),
            Err(e) => {
                if let Err(cleanup) = self.blobs.delete(file).await {
                    tracing::warn!(error = %cleanup, "could not remove the file of a failed upload");
                }
                Err(e)
            }
        }
    }

    /// "Deel met…": shares the actor's own uploads one step up. All or nothing.
    pub async fn share(
        &self,
        actor: Actor,
        context: RequestContext,
        ids: Vec<PublicId>,
    ) -> Result<usize, ServiceError> {
        self.change(actor, context, ids, Change::Share).await
    }

    /// Takes back a share.
    pub async fn unshare(
        &self,
        actor: Actor,
        context: RequestContext,
        ids: Vec<PublicId>,
    ) -> Result<usize, ServiceError> {
        self.change(actor, context, ids, Change::Unshare).await
    }

    /// "Verwijder": deletes the actor's own uploads (payroll files cannot be deleted here).
    pub async fn delete_uploads(
        &self,
        actor: Actor,
        context: RequestContext,
        ids: Vec<PublicId>,
    ) -> Result<usize, ServiceError> {
        self.change(actor, context, ids, Change::Delete).await
    }

    pub async fn mark_read(
        &self,
        actor: Actor,
        context: RequestContext,
        ids: Vec<PublicId>,
    ) -> Result<usize, ServiceError> {
        self.change(actor, context, ids, Change::MarkRead).await
    }

    pub async fn mark_unread(
        &self,
        actor: Actor,
        context: RequestContext,
        ids: Vec<PublicId>,
    ) -> Result<usize, ServiceError> {
        self.change(actor, context, ids, Change::MarkUnread).await
    }

    /// Applies one checkbox action to every selected document in one transaction: if any is
    /// not found or not allowed, none changes. Returns how many actually changed.
    async fn change(
        &self,
        actor: Actor,
        context: RequestContext,
        ids: Vec<PublicId>,
        change: Change,
    ) -> Result<usize, ServiceError> {
        if ids.is_empty() {
            return Err(ServiceError::invalid(
                "documents",
                "select at least one document",
            ));
        }
        let account = actor.account().ok_or(ServiceError::Forbidden(
            "only a signed-in account can do this",
        ))?;
        let now = self.clock.now();
        let notify_delay = self.settings.notify_delay;
        let events: Vec<_> = ids
            .iter()
            .map(|id| {
                change
                    .audited()
                    .map(|a| self.audit_event(actor, a, *id, context, None))
            })
            .collect();
        self.store
            .write(move |tx| -> Result<usize, ServiceError> {
                let mut changed = 0;
                for (id, event) in ids.into_iter().zip(events) {
                    let record = documents::by_public_id(tx, id)?.ok_or(ServiceError::NotFound)?;
                    if record.facts.removed || !sees(actor, &record.facts) {
                        return Err(ServiceError::NotFound);
                    }
                    if !may(actor, change.action(), &record.facts) {
                        return Err(ServiceError::Forbidden(match change {
                            Change::Delete => "only your own uploads can be deleted",
                            _ => "only your own uploads can be shared",
                        }));
                    }
                    let facts = record.facts;
                    let did = match change {
                        Change::Share => {
                            let Some(to) =
                                sharing_from(actor, facts.dossier, facts.employer_bureau)
                            else {
                                return Err(ServiceError::Forbidden("nobody to share with"));
                            };
                            let (recipient, party) = match to {
                                Dossier::Bureau(b) => {
                                    (Recipient::Bureau(b), AccountParty::Bureau(b))
                                }
                                Dossier::Employer(r) => {
                                    (Recipient::Employer, AccountParty::Employer(r))
                                }
                                Dossier::Employee { .. } => {
                                    return Err(ServiceError::Forbidden("nobody to share with"));
                                }
                            };
                            let shared = marks::share(tx, record.key, recipient, account, now)?;
                            if shared {
                                // News for whoever it is shared with, told by mail like a
                                // placed document (SPEC.md Part 2, "share notices").
                                super::notify::after_sharing(
                                    tx,
                                    party,
                                    record.key,
                                    now + notify_delay,
                                )?;
                            }
                            shared
                        }
                        Change::Unshare => {
                            let which = if actor.own_dossier() == Some(facts.dossier) {
                                Withdraw::All
                            } else {
                                Withdraw::BureauOnly
                            };
                            marks::unshare(tx, record.key, which)?
                        }
                        Change::Delete => documents::mark_deleted(tx, record.key, now)?,
                        Change::MarkRead => marks::mark_read(tx, account, record.key, now)?,
                        Change::MarkUnread => marks::mark_unread(tx, account, record.key)?,
                    };
                    if did {
                        changed += 1;
                        if let Some(event) = event {
                            audit::append(tx, &[event])?;
                        }
                    }
                }
                Ok(changed)
            })
            .await
    }
}
