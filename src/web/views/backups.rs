//! The Backups page: the payroll software's backups per year, to download or delete.

use chrono::Datelike;
use chrono_tz::Europe::Amsterdam;
use maud::{Markup, html};

use super::format;
use super::layout::{Nav, Site, signed_in_page};
use crate::service::BackupInfo;
use crate::web::i18n::fill;

/// What the Backups page shows: one year of them, and which years there are.
pub struct BackupsPage<'a> {
    pub backups: &'a [BackupInfo],
    pub years: &'a [i32],
    pub year: Option<i32>,
    pub keep: usize,
    pub notice: Option<super::layout::Notice>,
}

/// The local (Dutch) calendar year a backup was made in.
pub fn backup_year(backup: &BackupInfo) -> i32 {
    backup.created_at.with_timezone(&Amsterdam).year()
}

pub fn backups(site: &Site, nav: &Nav, page: &BackupsPage<'_>) -> Markup {
    let t = site.t();
    let shown: Vec<&BackupInfo> = page
        .backups
        .iter()
        .filter(|b| Some(backup_year(b)) == page.year)
        .collect();
    let heading = match page.year {
        Some(year) => fill(t.backups_year, &[&year, &shown.len()]),
        None => t.backups_title.to_owned(),
    };
    signed_in_page(
        site,
        nav,
        t.backups_title,
        html! {
            section.card {
                h1 { (heading) }
                @if let Some(message) = &page.notice { (super::layout::notice(message)) }
                @if !page.years.is_empty() {
                    form.search method="get" action="/backups" {
                        label for="jaar" { (t.show_backups_for) }
                        select #jaar name="jaar" {
                            @for y in page.years {
                                option value=(y) selected[Some(*y) == page.year] { (y) }
                            }
                        }
                        button type="submit" { (t.show) }
                    }
                }
                @if shown.is_empty() {
                    p.muted { (t.no_backups) }
                } @else {
                    form method="post" action="/backups/verwijderen" {
                        input type="hidden" name="csrf" value=(nav.csrf_token);
                        @if let Some(year) = page.year {
                            input type="hidden" name="terug" value={ "/backups?jaar=" (year) };
                        }
                        div.table-scroll tabindex="0" role="region" aria-label=(t.backups_title) {
                            table.documents.stack.selectable {
                                thead { tr {
                                    th { span.visually-hidden { (t.select) } }
                                    th { (t.name) } th { (t.size) } th { (t.date_time) } th { (t.description) }
                                } }
                                tbody {
                                    @for b in &shown {
                                        tr {
                                            td { input type="checkbox" name="id" value=(b.id) aria-label=(fill(t.select_one, &[&b.file_name])); }
                                            td.title { a href={ "/backups/" (b.id) "/download" } { (b.file_name) } }
                                            td data-label=(t.size) { (format::size(b.size)) }
                                            td data-label=(t.date_time) { (format::date_time(b.created_at)) }
                                            td.wrap data-label=(t.description) { (b.description) }
                                        }
                                    }
                                }
                            }
                        }
                        div.actions {
                            button type="submit" { (t.delete_selected) }
                        }
                    }
                }
                p.muted { (fill(t.backups_lead, &[&page.keep])) }
            }
        },
    )
}
