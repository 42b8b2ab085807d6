//! Placing payroll files in dossiers (the sync API and demo data use this): identical bytes
//! again change nothing, different bytes for the same dossier, kind, year and period are a
//! correction that readers see while the earlier version stays as history.

use bytes::Buf;
use futures_util::Stream;

use super::sniff::{Empty, PDF_ONLY, REPORT_TYPES, Rejected, Sniffing};
use super::{RequestContext, ServiceError, Services};
use crate::blobs::BlobError;
use crate::domain::access::may_place;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::{
    DocumentKind, Dossier, DossierKind, NewDocument, Origin, Period, PeriodKind, Placer, PublicId,
    Year,
};
use crate::store::{audit, documents, parties};

/// The largest payroll file accepted.
pub const PAYROLL_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// What payroll software says about a file it places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRequest {
    pub dossier: Dossier,
    pub kind: DocumentKind,
    pub year: Year,
    pub period: Period,
    /// Defaults to a Dutch title such as "Loonstrook - maart 2020".
    pub title: Option<String>,
    pub file_name: Option<String>,
}

/// What placing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Created,
    /// The same bytes were already there: nothing changed (a safe retry).
    Unchanged,
    /// Different bytes for the same slot: a new version now replaces the earlier one.
    Corrected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub id: PublicId,
    pub sha256: String,
    pub version: u32,
    pub placement: Placement,
}

/// The Dutch default title: "Loonstrook - maart 2020", "Jaaropgave 2020".
pub fn default_title(kind: DocumentKind, year: Year, period: Period) -> String {
    match period.kind() {
        PeriodKind::Year => format!("{} {year}", kind.label_nl()),
        _ => format!("{} - {}", kind.label_nl(), period.label_nl(year)),
    }
}

impl Services {
    /// Places (or corrects) a payroll file for `placer`. The body streams to disk first; the
    /// row commits only once the file is durable.
    pub async fn place_payroll<S, B, E>(
        &self,
        placer: Placer,
        context: RequestContext,
        request: PlaceRequest,
        body: S,
    ) -> Result<Placed, ServiceError>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        if !request.kind.is_payroll_for(request.dossier.kind()) {
            return Err(ServiceError::invalid(
                "kind",
                format!(
                    "{} cannot be placed in an {} dossier",
                    request.kind.as_str(),
                    request.dossier.kind().as_str()
                ),
            ));
        }
        let accepted = if request.dossier.kind() == DossierKind::Employer {
            REPORT_TYPES
        } else {
            PDF_ONLY
        };
        let (sniffing, found) = Sniffing::new(body, accepted);
        let stored = self
            .blobs
            .put(sniffing, PAYROLL_MAX_BYTES)
            .await
            .map_err(|e| match e {
                BlobError::TooLarge { limit } => ServiceError::TooLarge { limit },
                BlobError::Body(cause) if cause.is::<Rejected>() => ServiceError::UnsupportedType,
                BlobError::Body(cause) if cause.is::<Empty>() => {
                    ServiceError::EmptyFile { field: "body" }
                }
                BlobError::Body(cause) => {
                    ServiceError::invalid("body", format!("the upload did not complete ({cause})"))
                }
                other => ServiceError::Blob(other),
            })?;
        let now = self.clock.now();
        let media_type = found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .unwrap_or("application/pdf");
        let sha256 = hex::encode(stored.sha256);
        let title = request
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| default_title(request.kind, request.year, request.period));
        let file_name = request
            .file_name
            .as_deref()
            .map(super::file_names::clean_file_name)
            .filter(|n| !n.is_empty())
            .map(|n| super::file_names::with_extension_of(&n, media_type))
            .unwrap_or_else(|| {
                let extension = match media_type {
                    "application/xml" => "xml",
                    "text/csv" => "csv",
                    _ => "pdf",
                };
                format!("{title}.{extension}")
            });
        let new_sha = sha256.clone();
        let file_id = stored.id.to_string();
        let size = stored.size;
        let client_addr = context.client_addr.map(|a| a.to_string());
        let mail = self.link_mail();
        let notify_delay = self.settings.notify_delay;
        let outcome = self
            .store
            .write(move |tx| -> Result<Placed, ServiceError> {
                let bureau = match request.dossier.employer() {
                    Some(r) => parties::employer(tx, r)?.and_then(|r| r.bureau),
                    None => None,
                };
                if !may_place(placer, request.dossier, bureau) {
                    return Err(ServiceError::NotFound);
                }
                let current = documents::current_payroll(
                    tx,
                    request.dossier,
                    request.kind,
                    request.year,
                    request.period,
                )?;
                if let Some(current) = &current
                    && current.sha256 == new_sha
                {
                    return Ok(Placed {
                        id: current.public_id,
                        sha256: new_sha,
                        version: current.version,
                        placement: Placement::Unchanged,
                    });
                }
                let (corrects, version) = match &current {
                    Some(c) => {
                        documents::supersede(tx, c.key, now)?;
                        (Some(c.key), c.version + 1)
                    }
                    None => (None, 1),
                };
                let public_id = PublicId::random();
                let key = documents::insert(
                    tx,
                    &NewDocument {
                        public_id,
                        dossier: request.dossier,
                        origin: Origin::Payroll(placer),
                        uploaded_by: None,
                        kind: request.kind,
                        year: request.year,
                        period: request.period,
                        title,
                        file_name,
                        media_type: media_type.to_owned(),
                        size,
                        sha256: new_sha.clone(),
                        file_id,
                        created_at: now,
                        corrects,
                        version,
                    },
                )?;
                super::enrolment::after_placing(tx, &mail, request.dossier, request.kind, now)?;
                super::notify::after_placing(tx, request.dossier, key, now + notify_delay)?;
                let action = if corrects.is_some() {
                    AuditAction::Correct
                } else {
                    AuditAction::Place
                };
                audit::append(
                    tx,
                    &[AuditEvent {
                        at: now,
                        account: None,
                        actor: match placer {
                            Placer::Bureau(_) => "bureau sync".to_owned(),
                            Placer::Employer(_) => "employer sync".to_owned(),
                        },
                        action,
                        subject: Some(public_id.to_string()),
                        client_addr,
                        detail: Some(format!("{} {} bytes", request.kind.as_str(), size)),
                    }],
                )?;
                Ok(Placed {
                    id: public_id,
                    sha256: new_sha,
                    version,
                    placement: if corrects.is_some() {
                        Placement::Corrected
                    } else {
                        Placement::Created
                    },
                })
            })
            .await;
        // The new file is only kept if a new row points at it.
        let keep = matches!(
            outcome,
            Ok(Placed {
                placement: Placement::Created | Placement::Corrected,
                ..
            })
        );
        if !keep && let Err(e) = self.blobs.delete(stored.id).await {
            tracing::warn!(error = %e, "could not remove an unused payroll file");
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_default_titles() {
        let y = Year::new(2020).unwrap();
        let march = Period::new(PeriodKind::Month, 3).unwrap();
        assert_eq!(
            default_title(DocumentKind::Payslip, y, march),
            "Loonstrook - maart 2020"
        );
        assert_eq!(
            default_title(DocumentKind::AnnualStatement, y, Period::whole_year()),
            "Jaaropgave 2020"
        );
        let week = Period::new(PeriodKind::Week, 12).unwrap();
        assert_eq!(
            default_title(DocumentKind::Payslip, y, week),
            "Loonstrook - week 12 2020"
        );
    }
}
