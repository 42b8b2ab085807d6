//! Use cases: what the web layer, the jobs and the CLI may ask of the system. Owns the store, the
//! file store and the clock; callers never reach past it.

use crate::blobs::BlobStore;
use crate::clock::SharedClock;
use crate::store::Store;

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

    /// Closes the database cleanly at shutdown.
    pub fn close(&self) {
        if let Err(e) = self.store.close() {
            tracing::warn!(error = %e, "database checkpoint at shutdown failed");
        }
    }
}
