//! Use cases: what the web layer, the jobs and the CLI may ask of the system. Owns the store, the
//! file store and the clock; callers never reach past it.

use crate::blobs::{BlobError, BlobStore};
use crate::clock::SharedClock;
use crate::store::{Store, StoreError};

/// A use case failed for a reason the caller cannot fix; the cause is for the log.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(#[from] BlobError),
}

/// What `loondossier status` reports about an installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationStatus {
    pub created_at: String,
    pub created_by: String,
    pub schema_version: u32,
    pub database_bytes: u64,
    pub stored_files: u64,
    pub stored_bytes: u64,
}

/// Everything a use case needs, shared by all requests.
#[derive(Debug, Clone)]
pub struct Services {
    store: Store,
    blobs: BlobStore,
    clock: SharedClock,
}

/// What `/healthz` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    pub database_ok: bool,
}

impl Services {
    pub fn new(store: Store, blobs: BlobStore, clock: SharedClock) -> Self {
        Self {
            store,
            blobs,
            clock,
        }
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    /// Whether the database answers; the cause of a failure goes to the log, not the caller.
    pub async fn health(&self) -> Health {
        match self.store.ping().await {
            Ok(()) => Health { database_ok: true },
            Err(e) => {
                tracing::error!(error = %e, "health check: database not usable");
                Health { database_ok: false }
            }
        }
    }

    /// The state of the installation for the administrator.
    pub async fn status(&self) -> Result<InstallationStatus, ServiceError> {
        let db = self.store.info().await?;
        let (stored_files, stored_bytes) = self.blobs.usage().await?;
        Ok(InstallationStatus {
            created_at: db.created_at,
            created_by: db.created_by,
            schema_version: db.schema_version,
            database_bytes: db.size_bytes,
            stored_files,
            stored_bytes,
        })
    }

    /// Closes the database cleanly at shutdown.
    pub fn close(&self) {
        if let Err(e) = self.store.close() {
            tracing::warn!(error = %e, "database checkpoint at shutdown failed");
        }
    }
}
