//! Audit events: who did what to which document or account, when, and from where.

use chrono::{DateTime, Utc};

use super::document::AccountKey;

/// Everything the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    View,
    Download,
    Upload,
    Share,
    Unshare,
    Delete,
    MarkRead,
    MarkUnread,
    Place,
    Correct,
    Retract,
    RevealBsn,
    Login,
    LoginFailed,
    Logout,
}

impl AuditAction {
    const ALL: [Self; 15] = [
        Self::View,
        Self::Download,
        Self::Upload,
        Self::Share,
        Self::Unshare,
        Self::Delete,
        Self::MarkRead,
        Self::MarkUnread,
        Self::Place,
        Self::Correct,
        Self::Retract,
        Self::RevealBsn,
        Self::Login,
        Self::LoginFailed,
        Self::Logout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Download => "download",
            Self::Upload => "upload",
            Self::Share => "share",
            Self::Unshare => "unshare",
            Self::Delete => "delete",
            Self::MarkRead => "mark_read",
            Self::MarkUnread => "mark_unread",
            Self::Place => "place",
            Self::Correct => "correct",
            Self::Retract => "retract",
            Self::RevealBsn => "reveal_bsn",
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One line of the audit log. `actor` is a readable description (never a secret or a BSN);
/// `subject` usually a document's public id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub account: Option<AccountKey>,
    pub actor: String,
    pub action: AuditAction,
    pub subject: Option<String>,
    pub client_addr: Option<String>,
    pub detail: Option<String>,
}
