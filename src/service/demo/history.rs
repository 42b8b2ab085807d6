//! What the demo's employees did before: a few requests of the first employee, so a newcomer
//! finds Verzoeken with something in it (leave waiting for the employer, an approved move the
//! bureau sees, a letter request turned down), and their choice of electronic payslips.

use chrono::{DateTime, Days, Utc};
use chrono_tz::Europe::Amsterdam;

use crate::domain::party::AccountParty;
use crate::domain::request::{LeaveKind, LetterKind, RequestDetails, RequestState};
use crate::domain::{BureauKey, PublicId};
use crate::service::{ServiceError, Services};
use crate::store::requests::{self as store_requests, NewRequest};
use crate::store::{accounts as store_accounts, parties};

impl Services {
    /// Three requests of the first client's first employee, without mail (nobody waits for it).
    pub(super) async fn demo_requests(
        &self,
        bureau: BureauKey,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let today = now.with_timezone(&Amsterdam).date_naive();
        let in_days = |n: u64| today.checked_add_days(Days::new(n)).unwrap_or(today);
        // (details, days ago submitted, decision: approve? and comment).
        let requests = [
            (
                RequestDetails::Leave {
                    from: in_days(21),
                    to: in_days(25),
                    minutes: 5 * 8 * 60,
                    leave: LeaveKind::Vacation,
                    note: Some("Week naar familie".to_owned()),
                },
                1,
                None,
            ),
            (
                RequestDetails::AddressChange {
                    street: "Lindelaan 14".to_owned(),
                    postal_code: "3811 KL".to_owned(),
                    city: "Amersfoort".to_owned(),
                    country: "NL".to_owned(),
                    from: in_days(10),
                },
                6,
                Some((true, "")),
            ),
            (
                RequestDetails::LetterRequest {
                    letter: LetterKind::EmployerStatement,
                    reason: "Voor de hypotheek".to_owned(),
                },
                12,
                Some((
                    false,
                    "Vraag dit opnieuw aan zodra het contract verlengd is.",
                )),
            ),
        ];
        let sealed: Vec<_> = requests
            .into_iter()
            .map(|(details, days_ago, decision)| {
                let id = PublicId::random();
                let json = serde_json::to_vec(&details)
                    .map_err(|e| ServiceError::Unreadable(format!("request details: {e}")))?;
                let sealed = self
                    .sealer
                    .seal(&json, &super::super::requests::seal_context(id));
                let at = now - chrono::Duration::days(days_ago);
                Ok((id, details.kind(), sealed, at, decision))
            })
            .collect::<Result<_, ServiceError>>()?;
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let Some((employer, Some(employee))) = parties::first_client(tx, bureau)? else {
                    return Ok(());
                };
                let (Some(asker), Some(decider)) = (
                    store_accounts::first_account_of(tx, AccountParty::Employee(employee))?,
                    store_accounts::first_account_of(tx, AccountParty::Employer(employer))?,
                ) else {
                    return Ok(());
                };
                let dossier = crate::domain::Dossier::Employee { employee, employer };
                let asker_name = super::super::dossier::owner_name(tx, dossier)?;
                let decider_name = super::super::dossier::owner_name(
                    tx,
                    crate::domain::Dossier::Employer(employer),
                )?;
                for (public_id, kind, sealed, at, decision) in &sealed {
                    let key = store_requests::insert(
                        tx,
                        &NewRequest {
                            public_id: *public_id,
                            employee,
                            employer,
                            kind: *kind,
                            details_sealed: sealed,
                            at: *at,
                        },
                        asker,
                        &asker_name,
                    )?;
                    if let Some((approve, comment)) = decision {
                        let to = if *approve {
                            RequestState::Approved
                        } else {
                            RequestState::Rejected
                        };
                        store_requests::change_state(
                            tx,
                            key,
                            RequestState::Submitted,
                            to,
                            *at + chrono::Duration::hours(3),
                            Some(decider),
                            &decider_name,
                            Some(comment).filter(|c| !c.is_empty()).copied(),
                        )?;
                    }
                }
                Ok(())
            })
            .await
    }
}

impl Services {
    /// The demo's employees chose electronic payslips some time ago — all but the former
    /// employee, who is asked at its first sign-in, as every real employee is.
    pub(super) async fn demo_payslip_choices(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        use crate::domain::consent::{CONSENT_TEXT_VERSION, PayslipDelivery};
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                for username in ["demo-werknemer-1", "demo-werknemer-2"] {
                    let name =
                        crate::domain::party::Username::parse(username).map_err(super::invalid)?;
                    let Some(account) = store_accounts::account_by_username(tx, &name)? else {
                        continue;
                    };
                    if let AccountParty::Employee(employee) = account.party {
                        crate::store::consent::record(
                            tx,
                            employee,
                            PayslipDelivery::Electronic,
                            CONSENT_TEXT_VERSION,
                            now - chrono::Duration::days(60),
                            Some(account.key),
                        )?;
                    }
                }
                Ok(())
            })
            .await
    }
}
