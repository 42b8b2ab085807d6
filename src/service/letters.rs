//! Letters from the browser (SPEC.md Part 2, "Letters"): an employer, or its bureau, places a
//! PDF letter in an employee's dossier. It is a payroll file of kind `letter` placed by that
//! party — who sees it and the new-document mail follow from that — written by a person, so it
//! never corrects another letter.

use bytes::Buf;
use chrono::Datelike;
use futures_util::Stream;

use super::dossier::{DocumentSummary, DossierRef, resolve};
use super::files::RequestContext;
use super::sniff::{PDF_ONLY, Sniffing};
use super::{ServiceError, Services};
use crate::domain::access::letter_writer;
use crate::domain::audit::AuditAction;
use crate::domain::{Actor, DocumentKind, NewDocument, Origin, Period, PublicId, Year};
use crate::store::{audit, documents, parties};

/// The longest letter title, in characters.
pub const LETTER_TITLE_MAX_CHARS: usize = 200;

/// Notes on the letter request `request` that `letter` answers it: the request must be a
/// letter request of the same employee that `actor` sees; its state stays, its history says
/// which letter came. `NotFound` otherwise (nothing is stored then).
fn answer_request(
    tx: &crate::store::Transaction<'_>,
    actor: Actor,
    letter: &NewDocument,
    request: PublicId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    use crate::domain::access::requests::{RequestFacts, sees_request};
    use crate::domain::request::RequestKind;
    use crate::store::requests as store_requests;
    let row = store_requests::by_public_id(tx, request)?.ok_or(ServiceError::NotFound)?;
    let facts = RequestFacts {
        employee: row.employee,
        employer: row.employer,
        employer_bureau: row.employer_bureau,
        employer_lhn: &row.employer_lhn,
        state: row.state,
    };
    let same_employee = matches!(letter.dossier, crate::domain::Dossier::Employee { employee, .. } if employee == row.employee);
    if row.kind != RequestKind::LetterRequest || !same_employee || !sees_request(actor, &facts) {
        return Err(ServiceError::NotFound);
    }
    let by = match letter.origin {
        Origin::Payroll(crate::domain::Placer::Bureau(b)) => {
            super::dossier::owner_name(tx, crate::domain::Dossier::Bureau(b))?
        }
        _ => row.employer_name.clone(),
    };
    store_requests::add_event(
        tx,
        row.key,
        row.state,
        now,
        actor.account(),
        &by,
        Some(&format!("Brief geplaatst: {}", letter.title)),
    )?;
    Ok(())
}

/// A letter about to be placed: into whose dossier, its title, the file's name on the writer's
/// computer, and the letter request it answers, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLetter {
    pub employee: PublicId,
    pub title: String,
    pub file_name: String,
    pub answers: Option<PublicId>,
}

impl Services {
    /// Places the PDF `body` as a letter titled `title` in the dossier of employee `employee`,
    /// written by `actor` (rule 8 of `domain::access`); the employee hears of it by mail after
    /// the usual delay. Nothing is kept when anything fails.
    ///
    /// Errors: `NotFound` when the actor may not open that dossier; `Forbidden` when it may open
    /// it but not write there; `Invalid { field: "title" }` for an empty or too long title;
    /// `UnsupportedType` for anything but a PDF; `TooLarge`, `EmptyFile`.
    pub async fn write_letter<S, B, E>(
        &self,
        actor: Actor,
        context: RequestContext,
        letter: NewLetter,
        body: S,
    ) -> Result<DocumentSummary, ServiceError>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: Buf,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let NewLetter {
            employee,
            title,
            file_name,
            answers,
        } = letter;
        let title = title.trim().to_owned();
        if title.is_empty() {
            return Err(ServiceError::invalid("title", "give the letter a title"));
        }
        if title.chars().count() > LETTER_TITLE_MAX_CHARS {
            return Err(ServiceError::invalid(
                "title",
                format!("at most {LETTER_TITLE_MAX_CHARS} characters"),
            ));
        }
        let account = actor.account().ok_or(ServiceError::Forbidden(
            "only a signed-in employer or bureau writes letters",
        ))?;
        // Who writes as whom, before a byte is stored.
        let (dossier, placer) = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some((dossier, _)) = resolve(conn, actor, DossierRef::Employee(employee))?
                else {
                    return Err(ServiceError::NotFound);
                };
                let bureau = match dossier.employer() {
                    Some(r) => parties::bureau_of_employer(conn, r)?,
                    None => None,
                };
                let placer = letter_writer(actor, dossier, bureau).ok_or(
                    ServiceError::Forbidden("only the employer or its bureau writes letters"),
                )?;
                Ok((dossier, placer))
            })
            .await?;
        let (sniffing, _) = Sniffing::new(body, PDF_ONLY);
        let stored = self
            .blobs
            .put(sniffing, self.settings.upload_max_bytes)
            .await
            .map_err(super::files::refused_file)?;
        let now = self.clock.now();
        let year =
            Year::new(i64::from(now.year())).map_err(|e| ServiceError::invalid("year", e.0))?;
        let file_name = super::file_names::clean_file_name(&file_name);
        let file_name = if file_name.is_empty() {
            format!("{title}.pdf")
        } else {
            super::file_names::with_extension_of(&file_name, "application/pdf")
        };
        let document = NewDocument {
            public_id: PublicId::random(),
            dossier,
            origin: Origin::Payroll(placer),
            uploaded_by: Some(account),
            kind: DocumentKind::Letter,
            year,
            period: Period::whole_year(),
            title,
            file_name,
            media_type: "application/pdf".to_owned(),
            size: stored.size,
            sha256: hex::encode(stored.sha256),
            file_id: stored.id.to_string(),
            created_at: now,
            corrects: None,
            version: 1,
        };
        let event = self.audit_event(
            actor,
            AuditAction::Place,
            document.public_id,
            context,
            Some(format!("letter {} bytes", stored.size)),
        );
        let notify_delay = self.settings.notify_delay;
        let written = self
            .store
            .write(move |tx| -> Result<_, ServiceError> {
                // Asked again where it counts: a bureau that lost the client while the letter
                // streamed in does not place it.
                let bureau = match document.dossier.employer() {
                    Some(r) => parties::employer(tx, r)?.and_then(|r| r.bureau),
                    None => None,
                };
                if letter_writer(actor, document.dossier, bureau).map(Origin::Payroll)
                    != Some(document.origin)
                {
                    return Err(ServiceError::NotFound);
                }
                if let Some(request) = answers {
                    answer_request(tx, actor, &document, request, now)?;
                }
                let key = documents::insert(tx, &document)?;
                super::notify::after_placing(tx, document.dossier, key, now + notify_delay)?;
                audit::append(tx, &[event])?;
                Ok(documents::by_public_id(tx, document.public_id)?)
            })
            .await;
        self.listed_or_removed(actor, written, stored.id).await
    }
}
