//! "New documents" mail: noted when payroll software places a document, sent once the
//! delay has passed and only for documents still unread — one mail per account, naming how
//! many, never what (SPEC.md "Mail rules").

use chrono::{DateTime, Utc};

use super::{ServiceError, Services};
use crate::domain::party::AccountParty;
use crate::domain::{DocumentKey, Dossier};
use crate::mail::messages::Mail;
use crate::store::Transaction;
use crate::store::accounts as store_accounts;
use crate::store::notifications;
use crate::store::outbox;

/// Notes the notice for the dossier's own accounts: the employee for their dossier, the
/// employer's logins for the employer dossier, once they can sign in. Bureaus place the documents
/// and are not told.
pub(super) fn after_placing(
    tx: &Transaction<'_>,
    dossier: Dossier,
    document: DocumentKey,
    due: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let party = match dossier {
        Dossier::Employee { employee, .. } => AccountParty::Employee(employee),
        Dossier::Employer(employer) => AccountParty::Employer(employer),
        Dossier::Bureau(_) => return Ok(()),
    };
    // Every login that can sign in (an employer's colleagues too); an account that never set a
    // password learns of its documents from the welcome mails.
    for account in store_accounts::signed_up_accounts_of(tx, party)? {
        notifications::note(tx, account, document, due)?;
    }
    Ok(())
}

/// Notes the notice for every account of the party a file was shared with (an employer, or each
/// staff member of a bureau) that can sign in.
pub(super) fn after_sharing(
    tx: &Transaction<'_>,
    party: AccountParty,
    document: DocumentKey,
    due: DateTime<Utc>,
) -> Result<(), ServiceError> {
    for account in store_accounts::signed_up_accounts_of(tx, party)? {
        notifications::note(tx, account, document, due)?;
    }
    Ok(())
}

impl Services {
    /// Turns due notices into outbox mail — new documents, and new requests for employers —;
    /// returns how many mails were queued.
    pub async fn queue_notifications(&self) -> Result<usize, ServiceError> {
        let now = self.clock.now();
        let link = format!("{}/", self.public_url());
        let requests_link = format!("{}/verzoeken", self.public_url());
        self.store
            .write(move |tx| -> Result<_, ServiceError> {
                let mut queued = 0;
                for (account, waiting, wanted) in crate::store::requests::take_due_notices(tx, now)?
                {
                    if !wanted || waiting == 0 {
                        continue;
                    }
                    let addresses = store_accounts::mail_addresses(tx, account)?;
                    let Some(to) = addresses.contact else {
                        continue;
                    };
                    outbox::enqueue(
                        tx,
                        &Mail::NewRequests {
                            count: waiting,
                            link: requests_link.clone(),
                        }
                        .queue(Some(account), to, addresses.language),
                        now,
                    )?;
                    queued += 1;
                }
                for notice in notifications::take_due(tx, now)? {
                    if !notice.wanted || notice.unread == 0 {
                        continue;
                    }
                    let addresses = store_accounts::mail_addresses(tx, notice.account)?;
                    let Some(to) = addresses.private.or(addresses.contact) else {
                        continue;
                    };
                    outbox::enqueue(
                        tx,
                        &Mail::NewDocuments {
                            count: notice.unread,
                            link: link.clone(),
                        }
                        .queue(
                            Some(notice.account),
                            to,
                            addresses.language,
                        ),
                        now,
                    )?;
                    queued += 1;
                }
                Ok(queued)
            })
            .await
    }
}
