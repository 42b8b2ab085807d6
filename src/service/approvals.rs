//! The employer's akkoord / niet akkoord on a series overview (SPEC.md Part 2, "Approval of
//! series overviews"), audited; the bureau and the payroll software read it back.

use super::dossier::owner_name;
use super::files::RequestContext;
use super::{ServiceError, Services};
use crate::domain::access::{Action, may, may_decide_on};
use crate::domain::approval::{Approval, COMMENT_MAX_CHARS, Decision};
use crate::domain::audit::AuditAction;
use crate::domain::{Actor, PublicId};
use crate::store::{approvals, audit, documents};

impl Services {
    /// Records `actor`'s decision on the series overview `id`, with an optional `comment` (at
    /// most [`COMMENT_MAX_CHARS`] characters; blank is none). A later decision replaces it as
    /// the one that counts; the earlier stays in the history.
    ///
    /// Errors: `NotFound` when the actor does not see the document; `Forbidden` when it is not
    /// the employer's own current series overview; `Invalid { field: "comment" }` when too long.
    pub async fn decide_on_series_overview(
        &self,
        actor: Actor,
        context: RequestContext,
        id: PublicId,
        decision: Decision,
        comment: &str,
    ) -> Result<Approval, ServiceError> {
        let comment = comment.trim();
        if comment.chars().count() > COMMENT_MAX_CHARS {
            return Err(ServiceError::invalid(
                "comment",
                format!("at most {COMMENT_MAX_CHARS} characters"),
            ));
        }
        let comment = (!comment.is_empty()).then(|| comment.to_owned());
        let account = actor.account().ok_or(ServiceError::Forbidden(
            "only a signed-in employer decides on a series overview",
        ))?;
        let now = self.clock.now();
        // The comment stays out of the audit log: only what was decided.
        let event = self.audit_event(
            actor,
            AuditAction::SeriesDecision,
            id,
            context,
            Some(decision.as_str().to_owned()),
        );
        self.store
            .write(move |tx| -> Result<Approval, ServiceError> {
                let record = documents::by_public_id(tx, id)?.ok_or(ServiceError::NotFound)?;
                if !may(actor, Action::View, &record.facts) {
                    return Err(ServiceError::NotFound);
                }
                if !may_decide_on(actor, &record.facts, record.kind) {
                    return Err(ServiceError::Forbidden(
                        "only the employer decides on its own series overviews",
                    ));
                }
                if record.superseded {
                    return Err(ServiceError::Forbidden(
                        "a correction replaced this series overview: decide on the newest",
                    ));
                }
                let by = owner_name(tx, record.facts.dossier)?;
                approvals::record(
                    tx,
                    record.key,
                    decision,
                    comment.as_deref(),
                    account,
                    &by,
                    now,
                )?;
                audit::append(tx, &[event])?;
                Ok(Approval {
                    decision,
                    comment,
                    by,
                    at: now,
                })
            })
            .await
    }
}
