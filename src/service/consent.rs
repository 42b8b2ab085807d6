//! The employee's choice between electronic and paper payslips (SPEC.md Part 2, "Privacy and
//! consent"; BW 7:626 lid 4): asked at the first sign-in, changeable in Profiel, each choice
//! kept with its time and the version of the text shown, and audited.

use crate::domain::Actor;
use crate::domain::access::chooses_payslip_delivery;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::consent::{CONSENT_TEXT_VERSION, DeliveryChoice, PayslipDelivery};
use crate::store::{audit, consent};

use super::files::RequestContext;
use super::{ServiceError, Services};

impl Services {
    /// The signed-in employee's choice that counts; `NotFound` for anyone who does not choose
    /// (`access::chooses_payslip_delivery`).
    pub async fn payslip_delivery(&self, actor: Actor) -> Result<DeliveryChoice, ServiceError> {
        let Actor::Employee { employee, .. } = actor else {
            return Err(ServiceError::NotFound);
        };
        if !chooses_payslip_delivery(actor, employee) {
            return Err(ServiceError::NotFound);
        }
        self.store
            .read(move |conn| -> Result<_, ServiceError> { Ok(consent::current(conn, employee)?) })
            .await
    }

    /// Records the employee's choice (electronic or paper) with the current text version;
    /// `Invalid` naming `delivery` for `NotAsked`, `Forbidden` for anyone but the employee.
    pub async fn choose_payslip_delivery(
        &self,
        actor: Actor,
        context: RequestContext,
        delivery: PayslipDelivery,
    ) -> Result<(), ServiceError> {
        let Actor::Employee {
            employee, account, ..
        } = actor
        else {
            return Err(ServiceError::Forbidden("only the employee chooses"));
        };
        if !chooses_payslip_delivery(actor, employee) {
            return Err(ServiceError::Forbidden("only the employee chooses"));
        }
        if delivery == PayslipDelivery::NotAsked {
            return Err(ServiceError::invalid(
                "delivery",
                "choose electronic or paper",
            ));
        }
        let now = self.clock.now();
        let event = AuditEvent {
            at: now,
            account: Some(account),
            actor: "employee".to_owned(),
            action: AuditAction::PayslipDeliveryChange,
            subject: None,
            client_addr: context.client_addr.map(|a| a.to_string()),
            detail: Some(format!(
                "{} (text {CONSENT_TEXT_VERSION})",
                delivery.as_str()
            )),
        };
        self.store
            .write(move |tx| -> Result<(), ServiceError> {
                consent::record(
                    tx,
                    employee,
                    delivery,
                    CONSENT_TEXT_VERSION,
                    now,
                    Some(account),
                )?;
                audit::append(tx, &[event])?;
                Ok(())
            })
            .await
    }
}
