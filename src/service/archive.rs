//! A party's dossier — one year, or all of it — as one ZIP (SPEC.md Part 2, "Privacy and
//! consent": leavers and mortgage applications). Written as it is sent, file by file on a
//! blocking thread through a bounded channel, so memory stays the same whatever the dossier's
//! size; each file in it is audited as a download and counts as read.

use std::collections::HashSet;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::mpsc;

use super::files::RequestContext;
use super::{ServiceError, Services};
use crate::blobs::FileId;
use crate::domain::audit::AuditAction;
use crate::domain::{Action, Actor, DocumentRecord, Origin, Year, access};
use crate::store::documents;

/// Bytes handed to the connection at a time.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting for the connection at most: with [`CHUNK`], the ZIP's memory bound besides
/// the one file being read.
const CHUNKS_QUEUED: usize = 4;
/// ZIPs written at once; another waits for none of them but is answered "busy, try again".
/// Each holds a blocking thread (shared with password hashing and file work) while its client
/// reads.
pub(super) const ZIPS_AT_ONCE: usize = 4;
/// How long a client may take to accept the next chunk before its ZIP is given up (a reader
/// that stopped reading must not hold a thread for ever).
const SEND_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// A dossier's ZIP on its way: its name and its bytes as they are written.
pub struct DossierZip {
    /// "loondossier-2026.zip" or "loondossier.zip".
    pub file_name: String,
    /// How many files it holds.
    pub files: usize,
    body: mpsc::Receiver<std::io::Result<Bytes>>,
    /// Set once the archive was written to its end.
    completed: Arc<std::sync::atomic::AtomicBool>,
}

impl DossierZip {
    /// The archive's bytes as they are written. One that could not be completed ends in an
    /// error, so the connection is cut and the browser reports the download failed rather
    /// than saving half a ZIP.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> {
        futures_util::stream::unfold(Some(self), |zip| async move {
            let mut zip = zip?;
            match zip.body.recv().await {
                Some(chunk) => Some((chunk, Some(zip))),
                None if zip.completed.load(std::sync::atomic::Ordering::Acquire) => None,
                None => Some((
                    Err(std::io::Error::other("the ZIP could not be completed")),
                    None,
                )),
            }
        })
    }
}

/// A `Write` that hands full chunks to the channel, waiting while the connection is behind
/// (at most [`SEND_PATIENCE`] per chunk).
struct ChannelWriter {
    sender: mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
    handle: tokio::runtime::Handle,
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        let sent = self.handle.block_on(tokio::time::timeout(
            SEND_PATIENCE,
            self.sender.send(Ok(chunk)),
        ));
        match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "download stopped",
            )),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client stopped reading",
            )),
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let taken = bytes.len().min(room);
        self.buffer.extend_from_slice(&bytes[..taken]);
        if self.buffer.len() >= CHUNK {
            self.send_buffer()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_buffer()
    }
}

/// A name inside the ZIP for `record`: payroll files in a folder per year, named by period and
/// title ("2026/2026-03 Loonstrook maart 2026.pdf", so a folder sorts by period); the owner's
/// own files in "Eigen bestanden" under their own name. Made unique with " (2)", " (3)", ….
fn entry_name(record: &DocumentRecord, taken: &mut HashSet<String>) -> String {
    let safe = |text: &str| -> String {
        let cleaned = super::file_names::clean_file_name(&text.replace(['/', '\\', ':'], "-"));
        if cleaned.is_empty() {
            "document".to_owned()
        } else {
            cleaned
        }
    };
    let base = match record.facts.origin {
        Origin::Payroll(_) => {
            let year = record.year.get();
            let period = match record.period.kind() {
                crate::domain::PeriodKind::Year => format!("{year}"),
                _ => format!("{year}-{:02}", record.period.number()),
            };
            let title =
                super::file_names::with_extension_of(&safe(&record.title), &record.media_type);
            format!("{year}/{period} {title}")
        }
        Origin::Upload => format!(
            "Eigen bestanden/{}",
            super::file_names::with_extension_of(&safe(&record.file_name), &record.media_type)
        ),
    };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = match base.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem} ({n}).{ext}"),
            None => format!("{base} ({n})"),
        };
        n += 1;
    }
    name
}

/// When a document was placed, as a ZIP entry's time (local time in the Netherlands, as a Dutch
/// user's file manager shows it; the DOS format has no zone).
fn dos_time(at: chrono::DateTime<chrono::Utc>) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    let local = at.with_timezone(&chrono_tz::Europe::Amsterdam);
    let small = |n: u32| u8::try_from(n).unwrap_or(0);
    zip::DateTime::from_date_and_time(
        u16::try_from(local.year()).unwrap_or(1980),
        small(local.month()),
        small(local.day()),
        small(local.hour()),
        small(local.minute()),
        small(local.second()),
    )
    .unwrap_or_default()
}

impl Services {
    /// The reader's own dossier — documents of `year`, or all — as a ZIP being written.
    /// `NotFound` when there is nothing in it (or the actor has no dossier).
    pub async fn dossier_zip(
        &self,
        actor: Actor,
        context: RequestContext,
        year: Option<Year>,
    ) -> Result<DossierZip, ServiceError> {
        let dossier = actor.own_dossier().ok_or(ServiceError::NotFound)?;
        let turn = Arc::clone(&self.zip_turns)
            .try_acquire_owned()
            .map_err(|_| ServiceError::Busy)?;
        let records: Vec<DocumentRecord> = self
            .store
            .read(move |conn| documents::for_archive(conn, dossier, year))
            .await?
            .into_iter()
            .filter(|r| access::may(actor, Action::Download, &r.facts))
            .collect();
        if records.is_empty() {
            return Err(ServiceError::NotFound);
        }
        let file_name = match year {
            Some(year) => format!("loondossier-{}.zip", year.get()),
            None => "loondossier.zip".to_owned(),
        };
        let files = records.len();
        let (sender, body) = mpsc::channel(CHUNKS_QUEUED);
        let services = self.clone();
        let handle = tokio::runtime::Handle::current();
        let completed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done = Arc::clone(&completed);
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            match services.write_zip(&handle, actor, context, &records, sender, &done) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => tracing::warn!(error = %e, "a dossier ZIP could not be completed"),
            }
        });
        Ok(DossierZip {
            file_name,
            files,
            body,
            completed,
        })
    }

    /// Writes the ZIP of `records` into `sender`, auditing each file once it is in; sets
    /// `completed` after the last byte is handed over and before the channel closes.
    fn write_zip(
        &self,
        handle: &tokio::runtime::Handle,
        actor: Actor,
        context: RequestContext,
        records: &[DocumentRecord],
        sender: mpsc::Sender<std::io::Result<Bytes>>,
        completed: &std::sync::atomic::AtomicBool,
    ) -> std::io::Result<()> {
        let writer = ChannelWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
            handle: handle.clone(),
        };
        let mut zip = zip::ZipWriter::new_stream(writer);
        let mut taken = HashSet::new();
        for record in records {
            let name = entry_name(record, &mut taken);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .last_modified_time(dos_time(record.created_at))
                .large_file(record.size >= u64::from(u32::MAX));
            zip.start_file(name, options)
                .map_err(std::io::Error::other)?;
            let id = FileId::parse(&record.file_id)
                .ok_or_else(|| std::io::Error::other("a stored file id is malformed"))?;
            let mut file = self
                .blobs
                .open_blocking(id)
                .map_err(std::io::Error::other)?;
            std::io::copy(&mut file, &mut zip)?;
            let event = self.audit_event(
                actor,
                AuditAction::Download,
                record.public_id,
                context,
                Some("zip".to_owned()),
            );
            let marker = actor.account().map(|account| (account, record.key));
            handle.block_on(self.audit.record(event, marker));
        }
        let mut writer = zip.finish().map_err(std::io::Error::other)?.into_inner();
        writer.flush()?;
        // Before `writer` (and with it the channel's sender) goes at the end of this function.
        completed.store(true, std::sync::atomic::Ordering::Release);
        Ok(())
    }
}
