//! Pure types and rules of the product: ids, parties, documents, periods, Dutch identifier
//! checks and the access rule. Depends on nothing else in the crate.

pub mod access;
pub mod approval;
pub mod audit;
pub mod checks;
pub mod consent;
pub mod document;
pub mod ids;
pub mod party;
pub mod period;
pub mod request;

pub use access::{Action, Actor};
pub use checks::{Bsn, Email, Invalid, Lhn};
pub use document::{
    AccountKey, BureauKey, DocumentFacts, DocumentKey, DocumentKind, DocumentRecord, Dossier,
    DossierKind, EmployeeKey, EmployerKey, NewDocument, Origin, Placer, Shares,
};
pub use ids::PublicId;
pub use period::{Period, PeriodKind, Year};
