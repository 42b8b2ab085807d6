//! Reading dossiers: a dossier for a year (payroll files and other files), unread documents,
//! and one document's details — always as the actor may see them.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};

use super::{ServiceError, Services};
use crate::domain::access::{
    Action, addressed_to, letter_writer, may, may_decide_on, may_open_dossier, sharing_from,
};
use crate::domain::{
    Actor, BureauKey, DocumentKind, DocumentRecord, Dossier, Origin, Period, Placer, PublicId, Year,
};
use crate::store::documents::{self, Section};
use crate::store::marks;
use crate::store::parties;
use crate::store::unread;
use crate::store::{Connection, StoreError};

/// Which dossier a request is about, as named in a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DossierRef {
    /// The actor's own dossier.
    Own,
    /// An employer's dossier (the employer itself, or its bureau).
    Employer(PublicId),
    /// An employee's dossier (the employee, its employer, or the employer's bureau).
    Employee(PublicId),
}

/// One line in a document list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub id: PublicId,
    pub title: String,
    pub kind: DocumentKind,
    pub year: Year,
    pub period: Period,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub created_at: DateTime<Utc>,
    /// Addressed to the actor's party (`domain::access::addressed_to`): a payroll file in its
    /// own dossier or an upload shared with it. Only news can be unread.
    pub news: bool,
    /// Not news, or news the actor's account opened or marked read.
    pub read: bool,
    /// An upload shared with anyone.
    pub shared: bool,
    /// With whom, by name, where the list looked it up ("Bakkerij De Korenschoof BV").
    pub shared_with: Vec<String>,
    /// A later version of a corrected payroll file.
    pub corrected: bool,
    /// The actor's own upload ("Ik" in the Eigenaar column).
    pub own_upload: bool,
    /// Uploaded through the browser by the dossier's owner (not placed by payroll software).
    pub uploaded: bool,
    pub may_share: bool,
    pub may_delete: bool,
    /// A series overview's decision that counts, where the list looked it up.
    pub approval: Option<crate::domain::approval::Decision>,
}

impl DocumentSummary {
    pub(super) fn new(actor: Actor, record: &DocumentRecord, read: bool) -> Self {
        Self {
            id: record.public_id,
            title: record.title.clone(),
            kind: record.kind,
            year: record.year,
            period: record.period,
            file_name: record.file_name.clone(),
            media_type: record.media_type.clone(),
            size: record.size,
            created_at: record.created_at,
            news: addressed_to(actor, &record.facts),
            read: read || !addressed_to(actor, &record.facts),
            shared: record.facts.shared.any(),
            shared_with: Vec::new(),
            corrected: record.version > 1,
            own_upload: record.facts.origin == Origin::Upload
                && actor.own_dossier() == Some(record.facts.dossier),
            uploaded: record.facts.origin == Origin::Upload,
            may_share: may(actor, Action::Share, &record.facts),
            may_delete: may(actor, Action::Delete, &record.facts),
            approval: None,
        }
    }
}

/// A dossier for one year, as the actor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierView {
    pub dossier: Dossier,
    /// Whose dossier: the employee's, employer's or bureau's name.
    pub owner_name: String,
    /// The actor's own dossier (uploads go here).
    pub own: bool,
    /// The name of the party "Deel met …" sends uploads here to (`access::sharing_from`): in
    /// the own dossier one step up, for an employer in an employee's dossier onward to its
    /// bureau; `None` when there is nobody to share with.
    pub share_target: Option<String>,
    /// The reader may place a letter here (`access::letter_writer`): an employee's dossier
    /// seen by its employer or the employer's bureau.
    pub may_write_letter: bool,
    /// Years with visible documents, newest first.
    pub years: Vec<Year>,
    pub year: Year,
    /// "Loon-bestanden": payroll files, newest period first.
    pub payroll: Vec<DocumentSummary>,
    /// "Overige bestanden": uploads.
    pub other: Vec<DocumentSummary>,
}

/// Free-text filters for the two lists of a dossier page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DossierSearch {
    pub payroll: Option<String>,
    pub other: Option<String>,
}

/// One document with everything its details panel shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentDetails {
    pub summary: DocumentSummary,
    pub sha256: String,
    /// Who placed or uploaded it.
    pub placed_by: String,
    /// Earlier versions of a corrected payroll file, newest first.
    pub earlier_versions: Vec<DocumentSummary>,
    /// This version has been replaced by a correction.
    pub superseded: bool,
    /// A series overview's decisions (akkoord / niet akkoord), newest first; the first counts.
    pub approvals: Vec<crate::domain::approval::Approval>,
    /// The reader may decide on it (`access::may_decide_on`, and it is the current version).
    pub may_decide: bool,
    /// Who opened or downloaded it, newest first — for the dossier's owner only (`access`
    /// rule 9); `None` for everyone else.
    pub access: Option<Vec<super::AccessEntry>>,
}

/// Finds the dossier `which` names and its owner's name, if `actor` may open it at all.
pub(super) fn resolve(
    conn: &Connection,
    actor: Actor,
    which: DossierRef,
) -> Result<Option<(Dossier, String)>, StoreError> {
    let found = match which {
        DossierRef::Own => actor.own_dossier().map(|own| (own, None)),
        DossierRef::Employer(id) => {
            parties::employer_by_public_id(conn, id)?.map(|r| (Dossier::Employer(r.key), r.bureau))
        }
        DossierRef::Employee(id) => match parties::employee_by_public_id(conn, id)? {
            Some(e) => {
                let bureau = parties::bureau_of_employer(conn, e.employer)?;
                let dossier = Dossier::Employee {
                    employee: e.key,
                    employer: e.employer,
                };
                Some((dossier, bureau))
            }
            None => None,
        },
    };
    match found {
        Some((dossier, bureau)) if may_open_dossier(actor, dossier, bureau) => {
            Ok(Some((dossier, owner_name(conn, dossier)?)))
        }
        _ => Ok(None),
    }
}

/// The name of the party uploads in `dossier` are shared with, if any (`access::share_target`);
/// `employer_bureau` is the bureau of the dossier's employer.
fn share_target_name(
    conn: &Connection,
    actor: Actor,
    dossier: Dossier,
    employer_bureau: Option<BureauKey>,
) -> Result<Option<String>, StoreError> {
    sharing_from(actor, dossier, employer_bureau)
        .map(|target| owner_name(conn, target))
        .transpose()
}

/// The names of those an upload is shared with, as the reader may know them: the employer (to
/// the employee and the employer itself) and the bureau (to those who may see that share).
fn shared_with_names(
    conn: &Connection,
    actor: Actor,
    facts: &crate::domain::DocumentFacts,
) -> Result<Vec<String>, StoreError> {
    let mut names = Vec::new();
    // Not the reader's own name: an employer knows what is shared with itself.
    if facts.shared.with_employer
        && let Some(employer) = facts.dossier.employer()
        && !matches!(actor, Actor::Employer { employer: own, .. } if own == employer)
    {
        names.push(owner_name(conn, Dossier::Employer(employer))?);
    }
    // A bureau share matters to the owner and the employer that passed it on, and only while
    // that bureau is still the employer's.
    if let Some(bureau) = facts.shared.with_bureau
        && facts.employer_bureau == Some(bureau)
        && !matches!(actor, Actor::Bureau { .. })
    {
        names.push(owner_name(conn, Dossier::Bureau(bureau))?);
    }
    Ok(names)
}

/// The display name of a dossier's party.
pub(in crate::service) fn owner_name(
    conn: &Connection,
    dossier: Dossier,
) -> Result<String, StoreError> {
    parties::name_of(conn, dossier)
}

/// One row of Ongelezen: the document and whom it is from or for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadDocument {
    pub summary: DocumentSummary,
    /// The employee, employer or bureau it is from or for; `None` for the own payroll
    /// administration (a self-administering employer's payroll software).
    pub from: Option<String>,
}

/// How Ongelezen is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnreadOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Grouped by whom it is from (alphabetical), newest first within each.
    ByName,
}

/// Ongelezen lists this many at most; the heading says when there are more.
pub const UNREAD_LISTED_UP_TO: u32 = 500;

/// The badge counts unread documents up to here and shows "99+" beyond, as mail programs
/// do: a bureau may have tens of thousands, and the exact number helps nobody.
pub const UNREAD_COUNTED_UP_TO: u32 = 100;

impl Services {
    /// The actor that an account signs in as.
    pub async fn actor_for_account(
        &self,
        account: crate::domain::AccountKey,
    ) -> Result<Actor, ServiceError> {
        self.store
            .read(move |conn| super::who::account_facts(conn, account))
            .await?
            .map(|facts| facts.actor)
            .ok_or(ServiceError::NotFound)
    }

    /// A dossier for `year` (default: the newest year with documents, else this year).
    pub async fn dossier(
        &self,
        actor: Actor,
        which: DossierRef,
        year: Option<Year>,
        search: DossierSearch,
    ) -> Result<DossierView, ServiceError> {
        let this_year = Year::new(i64::from(self.clock.now().year()))
            .map_err(|e| ServiceError::invalid("year", e.0))?;
        // One party's documents of one year (tens of rows; at most 5,000 per section): cheaper
        // read on this thread than handed to a blocking one and back, which costs the page
        // half its speed.
        let view = self
            .store
            .read_now(move |conn| -> Result<_, ServiceError> {
                let Some((dossier, owner_name)) = resolve(conn, actor, which)? else {
                    return Ok(None);
                };
                let years = documents::dossier_years(conn, actor, dossier)?;
                let year = year.or_else(|| years.first().copied()).unwrap_or(this_year);
                let list = |section, search: &Option<String>| {
                    documents::list_dossier(conn, actor, dossier, year, section, search.as_deref())
                        .map(|rows| {
                            rows.iter()
                                .map(|l| {
                                    Ok(DocumentSummary {
                                        approval: l.approval,
                                        shared_with: if l.record.facts.shared.any() {
                                            shared_with_names(conn, actor, &l.record.facts)?
                                        } else {
                                            Vec::new()
                                        },
                                        ..DocumentSummary::new(actor, &l.record, l.read)
                                    })
                                })
                                .collect::<Result<Vec<_>, StoreError>>()
                        })?
                };
                let own = actor.own_dossier() == Some(dossier);
                let employer_bureau = match dossier.employer() {
                    Some(r) => parties::bureau_of_employer(conn, r)?,
                    None => None,
                };
                let share_target = share_target_name(conn, actor, dossier, employer_bureau)?;
                let may_write_letter = letter_writer(actor, dossier, employer_bureau).is_some();
                Ok(Some(DossierView {
                    dossier,
                    owner_name,
                    own,
                    share_target,
                    may_write_letter,
                    years,
                    year,
                    payroll: list(Section::Payroll, &search.payroll)?,
                    other: list(Section::Other, &search.other)?,
                }))
            })
            .await?;
        view.ok_or(ServiceError::NotFound)
    }

    /// Documents addressed to the actor that its account has not opened (SPEC.md Part 2,
    /// "Ongelezen (revised)"): the newest [`UNREAD_LISTED_UP_TO`] in `order`, and whether there
    /// are more.
    pub async fn unread(
        &self,
        actor: Actor,
        order: UnreadOrder,
    ) -> Result<(Vec<UnreadDocument>, bool), ServiceError> {
        let Some(account) = actor.account() else {
            return Ok((Vec::new(), false));
        };
        let mut documents = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                let records = unread::unread(conn, actor, account, UNREAD_LISTED_UP_TO + 1)?;
                Ok(records
                    .iter()
                    .map(|r| UnreadDocument {
                        summary: DocumentSummary::new(actor, &r.record, false),
                        from: r.from.clone(),
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
        let limit = usize::try_from(UNREAD_LISTED_UP_TO).unwrap_or(usize::MAX);
        let more = documents.len() > limit;
        documents.truncate(limit);
        if order == UnreadOrder::ByName {
            // Stable: within one name the newest stays first. The administration (no name)
            // comes last.
            documents.sort_by_cached_key(|d| {
                (d.from.is_none(), d.from.as_deref().map(str::to_lowercase))
            });
        }
        Ok((documents, more))
    }

    /// How many documents are unread, for the "Ongelezen N" badge: exact up to
    /// [`UNREAD_COUNTED_UP_TO`], which means "that many or more". Counted again only when
    /// the account's unread generation has moved since the last count (`unread_badge`).
    pub async fn unread_count(&self, actor: Actor) -> Result<u64, ServiceError> {
        let Some(account) = actor.account() else {
            return Ok(0);
        };
        let badges = Arc::clone(&self.unread_badges);
        // One row by key, and at most a capped count: cheaper here than on a blocking thread.
        self.store
            .read_now(move |conn| -> Result<_, ServiceError> {
                // The generation first: the count after it is at least as new (in one quick
                // read both come from one snapshot, so exactly as new).
                let generation = unread::generation(conn, account)?;
                if let Some(count) = badges.get(actor, generation) {
                    return Ok(count);
                }
                let count = unread::unread_count(conn, actor, account, UNREAD_COUNTED_UP_TO)?;
                badges.keep(actor, generation, count);
                Ok(count)
            })
            .await
    }

    /// The listed form of the documents `ids`, in that order, for the question before
    /// deleting them. Errors as deleting itself would answer: `NotFound` when any of them is
    /// not visible to `actor`, `Forbidden` when one is not its own upload.
    pub async fn documents_to_delete(
        &self,
        actor: Actor,
        ids: Vec<PublicId>,
    ) -> Result<Vec<DocumentSummary>, ServiceError> {
        self.store
            .read(move |conn| -> Result<_, ServiceError> {
                let mut found = Vec::with_capacity(ids.len());
                for id in ids {
                    let record = match documents::by_public_id(conn, id)? {
                        Some(record) if may(actor, Action::List, &record.facts) => record,
                        _ => return Err(ServiceError::NotFound),
                    };
                    if !may(actor, Action::Delete, &record.facts) {
                        return Err(ServiceError::Forbidden(
                            "only your own uploads can be deleted",
                        ));
                    }
                    found.push(DocumentSummary::new(actor, &record, true));
                }
                Ok(found)
            })
            .await
    }

    /// One document's details, if the actor may see it.
    pub async fn document_details(
        &self,
        actor: Actor,
        id: PublicId,
    ) -> Result<DocumentDetails, ServiceError> {
        let details = self
            .store
            .read(move |conn| -> Result<_, ServiceError> {
                let Some(record) = documents::by_public_id(conn, id)? else {
                    return Ok(None);
                };
                if !may(actor, Action::View, &record.facts) {
                    return Ok(None);
                }
                let read = match actor.account() {
                    Some(account) => marks::is_read(conn, account, record.key)?,
                    None => true,
                };
                let placed_by = match record.facts.origin {
                    Origin::Payroll(Placer::Bureau(b)) => parties::bureau(conn, b)?
                        .map(|b| b.name)
                        .unwrap_or_default(),
                    Origin::Payroll(Placer::Employer(r)) => parties::employer(conn, r)?
                        .map(|r| r.data.name)
                        .unwrap_or_default(),
                    Origin::Upload => owner_name(conn, record.facts.dossier)?,
                };
                let earlier = documents::earlier_versions(conn, record.key)?
                    .iter()
                    .map(|r| DocumentSummary::new(actor, r, true))
                    .collect();
                let approvals = if record.kind == DocumentKind::SeriesOverview {
                    crate::store::approvals::history(conn, record.key)?
                } else {
                    Vec::new()
                };
                let access =
                    if crate::domain::access::sees_access_history(actor, record.facts.dossier) {
                        Some(
                            crate::store::audit::access_of_document(
                                conn,
                                id,
                                super::history::DOCUMENT_ACCESS_MAX,
                            )?
                            .into_iter()
                            .map(|line| super::history::entry(actor, line))
                            .collect(),
                        )
                    } else {
                        None
                    };
                Ok(Some(DocumentDetails {
                    access,
                    summary: DocumentSummary::new(actor, &record, read),
                    sha256: record.sha256.clone(),
                    placed_by,
                    earlier_versions: earlier,
                    superseded: record.superseded,
                    approvals,
                    may_decide: !record.superseded
                        && may_decide_on(actor, &record.facts, record.kind),
                }))
            })
            .await?;
        details.ok_or(ServiceError::NotFound)
    }
}
