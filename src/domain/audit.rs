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
    LoginThrottled,
    PasswordChange,
    PasswordReset,
    PasswordResetRequested,
    ForgotUsername,
    UsernameChange,
    TwoFactorEnabled,
    TwoFactorReset,
    RecoveryCodeUsed,
    RecoveryCodesRenewed,
    /// A passkey was registered (the detail: its name).
    PasskeyAdded,
    /// A passkey was removed (the detail: its name).
    PasskeyRemoved,
    SessionRevoked,
    PrivateEmailChange,
    LanguageChange,
    NotificationsChange,
    AccountCreated,
    BureauCreated,
    BackupStored,
    BackupDeleted,
    /// A retention job removed documents or backups (the detail names how many and which).
    Purged,
    /// The employer's akkoord or niet akkoord on a series overview (the detail: which).
    SeriesDecision,
    /// An employee submitted a request (the detail: its kind, never its content).
    RequestSubmitted,
    /// A request changed state: withdrawn, approved, rejected or processed (the detail).
    RequestChanged,
    /// An admin turned an account off (`user disable`); its sessions ended.
    AccountDisabled,
    /// An admin turned an account on again (`user enable`).
    AccountEnabled,
    /// An account was removed (`user remove`, or an employer removing a colleague).
    AccountRemoved,
    /// An employee chose electronic or paper payslips (the detail: which, and the version of
    /// the text shown).
    PayslipDeliveryChange,
}

impl AuditAction {
    const ALL: [Self; 43] = [
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
        Self::LoginThrottled,
        Self::PasswordChange,
        Self::PasswordReset,
        Self::PasswordResetRequested,
        Self::ForgotUsername,
        Self::UsernameChange,
        Self::TwoFactorEnabled,
        Self::TwoFactorReset,
        Self::RecoveryCodeUsed,
        Self::RecoveryCodesRenewed,
        Self::PasskeyAdded,
        Self::PasskeyRemoved,
        Self::SessionRevoked,
        Self::PrivateEmailChange,
        Self::LanguageChange,
        Self::NotificationsChange,
        Self::AccountCreated,
        Self::BureauCreated,
        Self::BackupStored,
        Self::BackupDeleted,
        Self::Purged,
        Self::SeriesDecision,
        Self::RequestSubmitted,
        Self::RequestChanged,
        Self::AccountDisabled,
        Self::AccountEnabled,
        Self::AccountRemoved,
        Self::PayslipDeliveryChange,
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
            Self::LoginThrottled => "login_throttled",
            Self::PasswordChange => "password_change",
            Self::PasswordReset => "password_reset",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::ForgotUsername => "forgot_username",
            Self::UsernameChange => "username_change",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorReset => "two_factor_reset",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::RecoveryCodesRenewed => "recovery_codes_renewed",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::SessionRevoked => "session_revoked",
            Self::PrivateEmailChange => "private_email_change",
            Self::LanguageChange => "language_change",
            Self::NotificationsChange => "notifications_change",
            Self::AccountCreated => "account_created",
            Self::BureauCreated => "bureau_created",
            Self::BackupStored => "backup_stored",
            Self::BackupDeleted => "backup_deleted",
            Self::Purged => "purged",
            Self::SeriesDecision => "series_decision",
            Self::RequestSubmitted => "request_submitted",
            Self::RequestChanged => "request_changed",
            Self::AccountDisabled => "account_disabled",
            Self::AccountEnabled => "account_enabled",
            Self::AccountRemoved => "account_removed",
            Self::PayslipDeliveryChange => "payslip_delivery_change",
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

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn names_round_trip() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
    }
}
