//! The few files demo parties uploaded themselves (an ID copy, a Werkhervattingskas decision,
//! a bureau's own document), some shared one step up.

use chrono::{DateTime, Datelike, Utc};

use super::{invalid, pdf};
use crate::domain::party::AccountParty;
use crate::domain::{
    BureauKey, DocumentKind, Dossier, NewDocument, Origin, Period, PublicId, Year,
};
use crate::service::{ServiceError, Services};
use crate::store::accounts as store_accounts;
use crate::store::marks;
use crate::store::{documents, parties};

impl Services {
    /// A few files the parties uploaded themselves, some shared.
    pub(super) async fn demo_uploads(
        &self,
        bureau: BureauKey,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let blobs = self.blobs.clone();
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                let first_client = parties::first_client(tx, bureau)?;
                let year = Year::new(i64::from(now.year())).map_err(invalid)?;
                let mut uploads = vec![(
                    Dossier::Bureau(bureau),
                    "Tarievenoverzicht.pdf",
                    "Tarievenoverzicht",
                    false,
                )];
                if let Some((employer, employee)) = first_client {
                    uploads.push((
                        Dossier::Employer(employer),
                        "Beschikking Werkhervattingskas.pdf",
                        "Beschikking Werkhervattingskas",
                        true,
                    ));
                    if let Some(employee) = employee {
                        uploads.push((
                            Dossier::Employee { employee, employer },
                            "ID-kopie.pdf",
                            "Kopie identiteitsbewijs",
                            true,
                        ));
                    }
                }
                for (dossier, file_name, title, shared) in uploads {
                    let bytes = pdf::render(&pdf::Sheet {
                        issuer: "Eigen bestand",
                        title,
                        facts: &[("Geupload", now.format("%d-%m-%Y").to_string())],
                        amounts: &[],
                    });
                    let stored = blobs.write_unsynced(&bytes)?;
                    let party = match dossier {
                        Dossier::Bureau(b) => AccountParty::Bureau(b),
                        Dossier::Employer(r) => AccountParty::Employer(r),
                        Dossier::Employee { employee, .. } => AccountParty::Employee(employee),
                    };
                    let owner = store_accounts::first_account_of(tx, party)?;
                    let key = documents::insert(
                        tx,
                        &NewDocument {
                            public_id: PublicId::random(),
                            dossier,
                            origin: Origin::Upload,
                            uploaded_by: owner,
                            kind: if title.starts_with("Kopie") {
                                DocumentKind::IdCopy
                            } else {
                                DocumentKind::Other
                            },
                            year,
                            period: Period::whole_year(),
                            title: file_name.to_owned(),
                            file_name: file_name.to_owned(),
                            media_type: "application/pdf".to_owned(),
                            size: stored.size,
                            sha256: hex::encode(stored.sha256),
                            file_id: stored.id.to_string(),
                            created_at: now,
                            corrects: None,
                            version: 1,
                        },
                    )?;
                    if let Some(owner) = owner {
                        // One's own upload is not news to oneself.
                        marks::mark_read(tx, owner, key, now)?;
                        if shared {
                            // One step up: the employee's with its employer, the client's with
                            // the demo bureau.
                            let recipient = match dossier {
                                Dossier::Employee { .. } => marks::Recipient::Employer,
                                _ => marks::Recipient::Bureau(bureau),
                            };
                            marks::share(tx, key, recipient, owner, now)?;
                        }
                    }
                }
                Ok(())
            })
            .await
    }
}
