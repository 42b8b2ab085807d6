//! Access history (SPEC.md Part 2, "Privacy and consent"; AVG art. 15): who opened or
//! downloaded a party's documents, named as parties ("werkgever Bakkerij X",
//! "administratiekantoor Y", "u"), for the owner of the dossier only (`access` rule 9).

use chrono::{DateTime, Utc};

use crate::domain::access::sees_access_history;
use crate::domain::party::Role;
use crate::domain::{Actor, PublicId};
use crate::store::audit::{self, AccessLine};

use super::{ServiceError, Services};

/// The most looks a document's details page lists (newest first).
pub const DOCUMENT_ACCESS_MAX: u32 = 100;
/// The most looks the employee's page lists (newest first).
pub const DOSSIER_ACCESS_MAX: u32 = 500;

/// Who looked, as a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accessor {
    /// The reader itself.
    You,
    /// An employer's login, by the employer's name.
    Employer(String),
    /// A bureau's staff, by the bureau's name (not the person's: the party answers for it).
    Bureau(String),
    /// An employee, by its name.
    Employee(String),
    /// The installation itself (an administrator's command).
    System,
}

/// One look at a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    /// Downloaded (else opened in the browser).
    pub download: bool,
    pub by: Accessor,
    pub document: PublicId,
    pub title: String,
}

/// A stored look as `reader` is told of it.
pub(super) fn entry(reader: Actor, line: AccessLine) -> AccessEntry {
    let by = match (line.account, line.role) {
        (Some(account), _) if Some(account) == reader.account() => Accessor::You,
        (_, Some(Role::Employer)) => Accessor::Employer(line.party_name),
        (_, Some(Role::Bureau)) => Accessor::Bureau(line.party_name),
        (_, Some(Role::Employee)) => Accessor::Employee(line.party_name),
        (_, None) => Accessor::System,
    };
    AccessEntry {
        at: line.at,
        download: line.download,
        by,
        document: line.document,
        title: line.title,
    }
}

impl Services {
    /// Every look by others at the documents of the reader's own dossier, newest first (at
    /// most [`DOSSIER_ACCESS_MAX`]); `NotFound` for an actor without a dossier.
    pub async fn access_history(&self, actor: Actor) -> Result<Vec<AccessEntry>, ServiceError> {
        let (Some(dossier), Some(me)) = (actor.own_dossier(), actor.account()) else {
            return Err(ServiceError::NotFound);
        };
        if !sees_access_history(actor, dossier) {
            return Err(ServiceError::NotFound);
        }
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                Ok(
                    audit::access_by_others(conn, dossier, me, DOSSIER_ACCESS_MAX)?
                        .into_iter()
                        .map(|line| entry(actor, line))
                        .collect(),
                )
            })
            .await
    }
}

impl Services {
    /// Hands every audit line matching `filter` to `each`, oldest first, streaming from the
    /// database (`loondossier audit`); the number of lines.
    pub async fn export_audit<F>(
        &self,
        filter: audit::AuditFilter,
        each: F,
    ) -> Result<u64, ServiceError>
    where
        F: FnMut(audit::ExportedLine) -> Result<(), ServiceError> + Send + 'static,
    {
        self.audit.flush().await;
        self.store
            .read(move |conn| audit::export(conn, &filter, each))
            .await
    }
}
