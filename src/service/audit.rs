//! The queue for what reading leaves behind: audit events of views and downloads, and the
//! account's read marker. Written in batches so a download never waits for its own fsync;
//! closing drains the queue, so nothing is lost on a clean shutdown. (Changes write their audit
//! event in their own transaction instead.)

use std::sync::{Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::domain::audit::AuditEvent;
use crate::domain::{AccountKey, DocumentKey};
use crate::store::marks;
use crate::store::{Store, StoreError, audit};

/// At most this many queued items go into one transaction.
const MAX_BATCH: usize = 512;
/// Items waiting for the writer before `record` starts to wait.
const QUEUE: usize = 16_384;

enum Queued {
    Event {
        event: AuditEvent,
        read_marker: Option<(AccountKey, DocumentKey)>,
    },
    Flush(oneshot::Sender<()>),
}

#[derive(Debug)]
pub struct AuditLog {
    queue: Mutex<Option<mpsc::Sender<Queued>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl AuditLog {
    /// Starts the writer task (needs a Tokio runtime).
    pub fn start(store: Store) -> Self {
        let (queue, incoming) = mpsc::channel::<Queued>(QUEUE);
        let writer = tokio::spawn(write_batches(store, incoming));
        Self {
            queue: Mutex::new(Some(queue)),
            writer: Mutex::new(Some(writer)),
        }
    }

    fn sender(&self) -> Option<mpsc::Sender<Queued>> {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Queues an event (and the read marker it implies); waits only if the queue is full.
    pub async fn record(&self, event: AuditEvent, read_marker: Option<(AccountKey, DocumentKey)>) {
        let action = event.action.as_str();
        let sent = match self.sender() {
            Some(sender) => sender
                .send(Queued::Event { event, read_marker })
                .await
                .is_ok(),
            None => false,
        };
        if !sent {
            tracing::error!(action, "audit log already closed; event not recorded");
        }
    }

    /// Returns once everything queued before the call is written.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if let Some(sender) = self.sender()
            && sender.send(Queued::Flush(done)).await.is_ok()
        {
            let _ = wait.await;
        }
    }

    /// Writes everything queued, then stops the writer.
    pub async fn close(&self) {
        // Dropping the last sender lets the writer finish the queue and end.
        drop(
            self.queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(writer) = writer
            && let Err(e) = writer.await
        {
            tracing::error!(error = %e, "audit writer failed");
        }
    }
}

async fn write_batches(store: Store, mut incoming: mpsc::Receiver<Queued>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while incoming.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut events = Vec::new();
        let mut markers = Vec::new();
        let mut flushed = Vec::new();
        for item in batch.drain(..) {
            match item {
                Queued::Event { event, read_marker } => {
                    events.push(event);
                    markers.extend(read_marker);
                }
                Queued::Flush(done) => flushed.push(done),
            }
        }
        if !events.is_empty() {
            let count = events.len();
            let at = events[0].at;
            let written = store
                .write(move |tx| -> Result<(), StoreError> {
                    audit::append(tx, &events)?;
                    for (account, document) in markers {
                        marks::mark_read(tx, account, document, at)?;
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = written {
                tracing::error!(error = %e, count, "audit events could not be written");
            }
        }
        for done in flushed {
            let _ = done.send(());
        }
    }
}
