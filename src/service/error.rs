//! What a use case can answer besides success. The web layer maps each variant to one status.

use crate::blobs::BlobError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Does not exist, or is not the actor's to see: the two are never told apart.
    #[error("not found")]
    NotFound,
    /// The actor may see it but not do this with it (e.g. delete a payroll file).
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// Bad input; `field` names what to fix.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The value is someone else's already (a username); `field` names it.
    #[error("{field}: this is taken already; choose another")]
    Taken { field: &'static str },
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("this type of file is not accepted; use PDF, PNG or JPEG")]
    UnsupportedType,
    /// The dossier's own uploads would take more than `[uploads] quota_mb` (`limit`, bytes).
    #[error("file: the space for your own files ({limit} bytes) is full; delete some first")]
    QuotaFull { limit: u64 },
    /// The upload has no bytes; `field` names where the file was expected.
    #[error("{field}: the file is empty (0 bytes)")]
    EmptyFile { field: &'static str },
    /// The password asked again before a sensitive change is not the account's.
    #[error("password: the current password is not right")]
    WrongPassword,
    /// Wrong username or password (never which of the two).
    #[error("the username or password is not right")]
    SignInFailed,
    /// The password was right, but an administrator turned the account off.
    #[error("this account is disabled")]
    AccountDisabled,
    /// Too much work queued (password checks): try again shortly.
    #[error("busy; try again in a moment")]
    Busy,
    /// Too many failed attempts: wait this long before trying again.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    /// A snapshot, check or restore could not be done; the message says why.
    #[error("{0}")]
    Maintenance(String),
    /// Stored data cannot be read back (a sealed value with another key file, or a damaged
    /// row); the message says which.
    #[error("stored data cannot be read: {0}")]
    Unreadable(String),
}

impl ServiceError {
    /// The disk (or the database's share of it) is full: nothing was stored, and the client
    /// may try again once an administrator has made room.
    pub fn is_storage_full(&self) -> bool {
        fn io_full(e: &std::io::Error) -> bool {
            // ENOSPC, or EDQUOT for a full quota.
            matches!(e.raw_os_error(), Some(28 | 122))
                || e.kind() == std::io::ErrorKind::StorageFull
        }
        match self {
            Self::Blob(BlobError::Io(e)) => io_full(e),
            Self::Store(e) => e.is_full(),
            _ => false,
        }
    }

    /// The object store holding the files did not answer (or too few of its nodes did):
    /// nothing was stored, and the client may try again shortly.
    pub fn is_storage_unavailable(&self) -> bool {
        matches!(self, Self::Blob(BlobError::Unavailable(_)))
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
