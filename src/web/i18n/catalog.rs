//! The words of every browser page, Dutch first and English second, grouped by page. `{}`
//! marks where a value goes (see `fill`).

/// Declares the catalog: one field per text, both languages required per entry.
macro_rules! catalog {
    ($($name:ident: $nl:expr, $en:expr;)*) => {
        /// Every text of the browser pages in one language.
        #[derive(Debug)]
        pub struct Texts {
            $(pub $name: &'static str,)*
        }

        pub static NL: Texts = Texts { $($name: $nl,)* };
        pub static EN: Texts = Texts { $($name: $en,)* };

        impl Texts {
            /// Every entry by name, for the completeness test.
            #[cfg(test)]
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name),)*]
            }
        }
    };
}

catalog! {
    // The frame: menu, footer, shared words.
    main_menu: "Hoofdmenu", "Main menu";
    menu_home: "Home", "Home";
    menu_profile: "Profiel", "Profile";
    menu_requests: "Verzoeken", "Requests";
    more_information: "Meer informatie over {}", "More about {}";
    menu_dossier: "Dossier", "Files";
    menu_employees: "Werknemers", "Employees";
    menu_employers: "Werkgevers", "Employers";
    menu_backups: "Backups", "Backups";
    menu_unread: "Ongelezen", "Unread";
    sign_out: "Afmelden", "Sign out";
    skip_to_content: "Naar de inhoud", "Skip to content";
    language_switch: "English", "Nederlands";
    to_start: "Naar de startpagina", "To the start page";
    go_back: "Terug naar waar u was", "Back to where you were";
    search: "Zoeken", "Search";
    show: "Toon", "Show";
    save: "Opslaan", "Save";
    send: "Verstuur", "Send";
    next_step: "Verder", "Continue";
    yes: "ja", "yes";
    no: "nee", "no";
    none: "geen", "none";
    year: "Jaar", "Year";
    employed_in: "In dienst in", "Employed in";
    all_employees: "Alle werknemers", "All employees";
    name: "Naam", "Name";
    email: "E-mail", "Email";
    email_address: "E-mailadres", "Email address";
    username: "Gebruikersnaam", "Username";
    password: "Wachtwoord", "Password";
    username_is: "Gebruikersnaam: ", "Username: ";
    back_to_sign_in: "Terug naar aanmelden", "Back to sign in";
    forgot_username_link: "Gebruikersnaam vergeten?", "Forgot your username?";
    forgot_password_link: "Wachtwoord vergeten?", "Forgot your password?";

    // Anonymous entry page and problems.
    welcome_lead: "Hier vindt u uw loonstroken, jaaropgaven en andere salarisdocumenten, veilig bewaard in uw persoonlijke loondossier.",
        "Here you find your payslips, annual statements and other payroll documents, kept safely in your personal payroll file.";
    not_found_title: "Niet gevonden", "Not found";
    not_found_text: "Deze pagina bestaat niet of u heeft er geen toegang toe.", "This page does not exist or you have no access to it.";
    internal_title: "Er ging iets mis", "Something went wrong";
    internal_text: "Probeer het over een ogenblik opnieuw. Blijft het misgaan, noem dan referentie {}.",
        "Please try again in a moment. If it keeps failing, quote reference {}.";
    form_expired_title: "Formulier verlopen", "Form expired";
    form_expired_text: "Het formulier was verlopen of kwam niet van deze site. Ga terug, vernieuw de pagina en probeer het opnieuw.",
        "The form had expired or did not come from this site. Go back, reload the page and try again.";
    form_incomplete_title: "Onvolledig formulier", "Incomplete form";
    form_incomplete_text: "Het formulier kwam onvolledig of dubbel aan. Ga terug en probeer het opnieuw.",
        "The form arrived incomplete or twice. Go back and try again.";
    form_unreadable: "Het formulier kon niet worden gelezen.", "The form could not be read.";
    too_large_title: "Te groot", "Too large";
    too_large_text: "Dit formulier is te groot.", "This form is too large.";
    busy_title: "Even geduld", "One moment";
    busy_text: "Het is nu erg druk. Probeer het over enkele seconden opnieuw.", "It is very busy right now. Please try again in a few seconds.";
    busy_sign_in_text: "Er worden nu veel aanmeldingen tegelijk gecontroleerd. Probeer het over enkele seconden opnieuw.",
        "Many sign-ins are being checked at once. Please try again in a few seconds.";
    failed_title: "Niet gelukt", "Did not work";

    // Sign in and out.
    sign_in: "Aanmelden", "Sign in";
    signed_out: "U bent afgemeld.", "You have signed out.";
    sign_in_missing: "Vul uw gebruikersnaam en wachtwoord in.", "Enter your username and password.";
    sign_in_form_expired: "Het formulier was verlopen of kwam niet van deze site. Probeer het opnieuw.",
        "The form had expired or did not come from this site. Please try again.";
    sign_in_disabled: "Dit account is uitgeschakeld. Neem contact op met uw salarisadministratie of met de beheerder van deze omgeving als u weer toegang nodig heeft.", "This account has been disabled. Contact your payroll administration or the administrator of this portal if you need access again.";
    sign_in_wrong: "De gebruikersnaam of het wachtwoord klopt niet.", "The username or password is not right.";
    sign_in_locked: "Te veel mislukte pogingen. Probeer het over {} opnieuw.", "Too many failed attempts. Try again in {}.";
    minutes: "{} minuten", "{} minutes";
    seconds: "{} seconden", "{} seconds";
    one_second: "1 seconde", "1 second";
    not_signed_out_title: "Niet afgemeld", "Not signed out";
    not_signed_out_text: "Dit verzoek kwam niet van een pagina van deze site. Gebruik de knop Afmelden.",
        "This request did not come from a page of this site. Use the Sign out button.";

    // Passwords, links, forgotten details.
    new_password: "Nieuw wachtwoord", "New password";
    repeat_password: "Herhaal het nieuwe wachtwoord", "Repeat the new password";
    password_rules: "Minstens {} tekens. Een zin van een paar woorden met spaties werkt goed en is makkelijk te onthouden. Uw naam, gebruikersnaam, e-mailadres en de naam van uw werkgever of zijn administratiekantoor mogen er niet in voorkomen.",
        "At least {} characters. A sentence of a few words with spaces works well and is easy to remember. It may not contain your name, username, e-mail address, or the name of your employer or its payroll bureau.";
    password_rules_employer: "Minstens {} tekens. Een zin van een paar woorden met spaties werkt goed en is makkelijk te onthouden. Uw gebruikersnaam, e-mailadres en de naam van uw bedrijf of uw administratiekantoor mogen er niet in voorkomen.",
        "At least {} characters. A sentence of a few words with spaces works well and is easy to remember. It may not contain your username, e-mail address, or the name of your company or your payroll bureau.";
    password_rules_bureau: "Minstens {} tekens. Een zin van een paar woorden met spaties werkt goed en is makkelijk te onthouden. Uw naam, gebruikersnaam, e-mailadres en de naam van uw kantoor mogen er niet in voorkomen.",
        "At least {} characters. A sentence of a few words with spaces works well and is easy to remember. It may not contain your name, username, e-mail address or your office's name.";
    set_password_title: "Wachtwoord instellen", "Set your password";
    save_password: "Wachtwoord opslaan", "Save password";
    password_too_short: "Gebruik minstens {} tekens.", "Use at least {} characters.";
    password_too_long: "Gebruik hoogstens 128 tekens.", "Use at most 128 characters.";
    password_common: "Dit wachtwoord komt te veel voor of is te makkelijk te raden. Kies een ander.",
        "This password is too common or too easy to guess. Choose another.";
    password_contains: "Het wachtwoord mag uw {} niet bevatten.", "The password may not contain your {}.";
    password_part_username: "gebruikersnaam", "username";
    password_part_email: "e-mailadres", "email address";
    password_part_name: "naam, of die van uw werkgever of administratiekantoor,", "name, or that of your employer or payroll bureau,";
    password_wrong_current: "Het huidige wachtwoord klopt niet.", "The current password is not right.";
    password_mismatch: "De twee nieuwe wachtwoorden zijn niet gelijk.", "The two new passwords are not the same.";
    link_dead: "Deze link werkt niet meer.", "This link no longer works.";
    try_again: "Er ging iets mis; probeer het opnieuw.", "Something went wrong; please try again.";
    link_expired_title: "Link verlopen", "Link expired";
    link_expired_heading: "Deze link werkt niet meer", "This link no longer works";
    link_expired_text: "De link is al gebruikt, vervangen door een nieuwere, of te oud. Vraag hieronder een nieuwe aan; u ontvangt die per e-mail.",
        "The link has been used, replaced by a newer one, or is too old. Ask for a new one below; it comes by email.";
    request_new_link: "Nieuwe link aanvragen", "Request a new link";
    password_saved: "Uw wachtwoord is opgeslagen. Meld u nu aan met uw gebruikersnaam en het nieuwe wachtwoord.",
        "Your password has been saved. Sign in now with your username and the new password.";
    forgot_username_title: "Gebruikersnaam vergeten", "Forgot your username";
    forgot_username_sent: "Als dit e-mailadres bij ons bekend is, ontvangt u binnen enkele minuten een e-mail met uw gebruikersnaam of gebruikersnamen. Kijk ook in uw map met ongewenste e-mail.",
        "If we know this email address, you will receive an email with your username or usernames within a few minutes. Also check your junk mail folder.";
    forgot_username_lead: "Vul het e-mailadres in dat uw werkgever of administratiekantoor van u heeft, of uw privé-e-mailadres.",
        "Enter the email address your employer or payroll bureau has for you, or your private email address.";
    forgot_password_title: "Wachtwoord vergeten", "Forgot your password";
    forgot_password_sent: "Als deze gebruikersnaam bestaat, ontvangt u binnen enkele minuten een e-mail met een link om een nieuw wachtwoord in te stellen. De link werkt 30 minuten.",
        "If this username exists, you will receive an email within a few minutes with a link to set a new password. The link works for 30 minutes.";
    confirm_email_title: "E-mailadres bevestigen", "Confirm email address";
    confirm_email_question: "Wilt u {} gebruiken als uw privé-e-mailadres?", "Do you want to use {} as your private email address?";
    confirm: "Bevestigen", "Confirm";
    email_invalid: "Dit is geen geldig e-mailadres.", "This is not a valid email address.";

    // Two-step verification.
    code_title: "Code invoeren", "Enter code";
    code_heading: "Code uit uw app", "Code from your app";
    code_lead: "Open uw authenticator-app en vul de code van zes cijfers in. Geen toegang tot de app? Gebruik een van uw herstelcodes.",
        "Open your authenticator app and enter the six-digit code. No access to the app? Use one of your recovery codes.";
    code_label: "Code", "Code";
    code_or_passkey_wrong: "Dat lukte niet: de passkey is niet geaccepteerd of de code klopt niet. Probeer het opnieuw.",
        "That did not work: the passkey was not accepted or the code is not right. Try again.";
    code_wrong: "Deze code klopt niet (of is al gebruikt). Wacht op de volgende code en probeer het opnieuw.",
        "This code is not right (or was used already). Wait for the next code and try again.";
    code_locked: "Te veel mislukte pogingen. Wacht even en probeer het opnieuw.", "Too many failed attempts. Wait a moment and try again.";
    enrol_title: "Tweestapsverificatie instellen", "Set up two-step verification";
    enrol_required: "Voor uw account is tweestapsverificatie verplicht. Stel het nu in; het kost een minuut.",
        "Your account requires two-step verification. Set it up now; it takes a minute.";
    enrol_passkey_heading: "Met een passkey", "With a passkey";
    enrol_passkey_lead: "Het makkelijkst: een passkey op deze computer, uw telefoon of een beveiligingssleutel. U meldt zich daarna aan met uw vingerafdruk, gezicht of pincode.",
        "Easiest: a passkey on this computer, your phone or a security key. You then sign in with your fingerprint, face or PIN.";
    enrol_app_heading: "Of met een authenticator-app", "Or with an authenticator app";
    enrol_need_app: "U heeft een authenticator-app nodig op uw telefoon, bijvoorbeeld een van Microsoft, Google of een wachtwoordbeheerder.",
        "You need an authenticator app on your phone, for example one from Microsoft, Google or a password manager.";
    enrol_begin: "Begin", "Begin";
    enrol_scan: "Scan deze QR-code met uw authenticator-app:", "Scan this QR code with your authenticator app:";
    enrol_qr_label: "QR-code voor uw authenticator-app", "QR code for your authenticator app";
    enrol_type_key: "Of typ deze sleutel over: ", "Or type in this key: ";
    enrol_code_label: "Vul de code van zes cijfers uit de app in", "Enter the six-digit code from the app";
    enrol_confirm: "Bevestig", "Confirm";
    enrol_wrong: "Deze code klopt niet. Controleer of de klok van uw telefoon goed staat en probeer de volgende code.",
        "This code is not right. Check that your phone's clock is correct and try the next code.";
    recovery_title: "Herstelcodes", "Recovery codes";
    recovery_heading: "Uw herstelcodes", "Your recovery codes";
    recovery_text: "Bewaar deze codes op een veilige plek, bijvoorbeeld uitgeprint of in uw wachtwoordbeheerder. Elke code werkt één keer, als u uw app of passkey niet bij de hand heeft. U ziet ze alleen nu.",
        "Keep these codes somewhere safe, for example printed or in your password manager. Each code works once, for when you do not have your app or passkey at hand. You see them only now.";

    // Profiel.
    change_username: "Gebruikersnaam wijzigen", "Change username";
    new_username: "Nieuwe gebruikersnaam", "New username";
    save_username: "Gebruikersnaam opslaan", "Save username";
    username_changed: "Uw gebruikersnaam is gewijzigd.", "Your username has been changed.";
    username_taken: "Deze gebruikersnaam is al in gebruik. Kies een andere.", "This username is already taken. Choose another.";
    taken_text: "Dit is al in gebruik. Kies iets anders.", "This is already in use. Choose something else.";
    username_length: "Een gebruikersnaam heeft 3 tot 254 tekens.", "A username has 3 to 254 characters.";
    private_email: "Privé-e-mailadres", "Private email address";
    private_email_lead: "Als u hier een adres opgeeft, gaan e-mails over uw gebruikersnaam en wachtwoord daarheen. Handig als u uit dienst gaat en uw werkadres kwijtraakt. U ontvangt eerst een e-mail om het adres te bevestigen.",
        "If you give an address here, emails about your username and password go there. Useful when you leave and lose your work address. You first receive an email to confirm the address.";
    private_email_now: "Nu: ", "Now: ";
    private_email_label: "Privé-e-mailadres (leeg laten om te verwijderen)", "Private email address (leave empty to remove)";
    private_email_removed: "Uw privé-e-mailadres is verwijderd.", "Your private email address has been removed.";
    private_email_sent: "We hebben een e-mail gestuurd naar het nieuwe adres. Open de link daarin om het te bevestigen.",
        "We have sent an email to the new address. Open the link in it to confirm.";
    private_email_confirmed: "Uw privé-e-mailadres is bevestigd. E-mails over aanmelden gaan voortaan daarheen.",
        "Your private email address is confirmed. Emails about signing in go there from now on.";
    employee_only: "Dit kan alleen een werknemer instellen.", "Only an employee can set this.";
    no_such_choice: "Deze keuze bestaat niet.", "This choice does not exist.";
    language: "Taal", "Language";
    language_label: "Taal van de site en de e-mails", "Language of the site and the emails";
    language_saved: "Uw taal is opgeslagen.", "Your language has been saved.";
    notifications: "Meldingen", "Notifications";
    notify_label: "Stuur mij een e-mail als er nieuwe documenten voor mij klaarstaan", "Email me when new documents are ready for me";
    notify_hint: "De e-mail zegt alleen dat er iets nieuws is, nooit wat. U krijgt hem niet als u het document al heeft bekeken.",
        "The email only says there is something new, never what. You do not get it if you have already looked at the document.";
    notify_on: "U krijgt een e-mail als er nieuwe documenten klaarstaan.", "You will get an email when new documents are ready.";
    notify_off: "U krijgt geen e-mail meer over nieuwe documenten.", "You will no longer get emails about new documents.";
    change_password: "Wachtwoord wijzigen", "Change password";
    current_password: "Huidig wachtwoord", "Current password";
    password_changed: "Uw wachtwoord is gewijzigd. Andere sessies zijn afgemeld.", "Your password has been changed. Other sessions have been signed out.";
    two_factor: "Tweestapsverificatie", "Two-step verification";
    two_factor_app_on: "Authenticator-app: staat aan.", "Authenticator app: on.";
    two_factor_passkey_on: "Staat aan met uw passkey: na uw wachtwoord vraagt de portal om de passkey. Een authenticator-app is niet nodig.",
        "On with your passkey: after your password the portal asks for the passkey. An authenticator app is not needed.";
    set_up_app_too: "Ook een authenticator-app instellen", "Set up an authenticator app as well";
    recovery_codes_heading: "Herstelcodes", "Recovery codes";
    recovery_codes_left: "U heeft nog {} ongebruikte herstelcodes. Daarmee meldt u zich aan als u uw telefoon of passkey kwijt bent.",
        "You have {} unused recovery codes left. They sign you in when you lose your phone or passkey.";
    new_recovery_codes: "Nieuwe herstelcodes maken", "Make new recovery codes";
    two_factor_off: "Staat uit. Met een passkey of een authenticator-app op uw telefoon is uw dossier veel beter beschermd.",
        "Off. With a passkey or an authenticator app on your phone your file is much better protected.";
    set_up: "Instellen", "Set up";
    sessions: "Aangemeld op", "Signed in on";
    session_since: "Sinds", "Since";
    session_last_seen: "Laatst actief", "Last active";
    session_address: "Adres", "Address";
    session_browser: "Browser", "Browser";
    browser_on: "{} op {}", "{} on {}";
    browser_unknown: "onbekende browser", "unknown browser";
    action: "Actie", "Action";
    this_session: "deze sessie", "this session";
    session_ended: "Die sessie is afgemeld.", "That session has been signed out.";
    done_share: "{} gedeeld.", "{} shared.";
    done_upload: "{} opgeslagen in uw dossier.", "{} stored in your file.";
    done_share_with: "{} gedeeld met {}.", "{} shared with {}.";
    done_unshare: "{} niet meer gedeeld.", "{} no longer shared.";
    done_unshare_with: "{} niet meer gedeeld met {}.", "{} no longer shared with {}.";
    done_delete: "{} verwijderd.", "{} deleted.";
    done_read: "{} als gelezen gemarkeerd.", "{} marked as read.";
    done_unread: "{} als ongelezen gemarkeerd.", "{} marked as unread.";
    one_file: "1 bestand", "1 file";
    files_count: "{} bestanden", "{} files";

    // Home / Mijn gegevens.
    my_details: "Mijn gegevens", "My details";
    show_my_dossier: "Toon mijn dossier", "Show my file";
    change_login: "Wijzig mijn gebruikersnaam of wachtwoord", "Change my username or password";
    personnel_number: "Personeelsnummer", "Personnel number";
    birth_date: "Geboortedatum", "Date of birth";
    bsn: "BSN", "BSN";
    bsn_long: "Burgerservicenummer", "Citizen service number (BSN)";
    bsn_of: "Van {} (personeelsnummer {}):", "Of {} (personnel number {}):";
    employer: "Werkgever", "Employer";
    employment: "In dienst", "Employed";
    street: "Straat, huisnummer", "Street and number";
    postal_code_city: "Postcode, plaats", "Postal code, town";
    country: "Land", "Country";
    work_email: "E-mail werk", "Work email";
    show_employees: "Toon werknemers", "Show employees";
    show_employers: "Toon werkgevers", "Show employers";
    phone: "Telefoon", "Phone";
    client_number: "Klantnummer", "Client number";
    lhn: "Loonheffingennummer", "Payroll tax number";
    payroll_year: "Loonjaar", "Payroll year";
    bureau: "Administratiekantoor", "Payroll bureau";
    self_administering: "Eigen salarisadministratie", "Runs its own payroll";
    employer_count: "Werkgevers", "Employers";
    employee_count: "Werknemers", "Employees";

    // Dossier.
    dossier_heading: "Dossier {} – {}", "File {} – {}";
    show_dossier_for: "Toon dossier voor", "Show file for";
    payroll_list: "Loon-bestanden", "Payroll files";
    other_list: "Overige bestanden", "Other files";
    payroll_files: "Loon-bestanden voor {} ({})", "Payroll files for {} ({})";
    other_files: "Overige bestanden ({})", "Other files ({})";
    search_payroll: "Zoeken in loon-bestanden", "Search payroll files";
    search_other: "Zoeken in overige bestanden", "Search other files";
    filter_hint: "Typ om de lijst te filteren", "Type to filter the list";
    no_files: "Geen bestanden.", "No files.";
    select: "Selecteer", "Select";
    select_one: "Selecteer {}", "Select {}";
    period: "Periode", "Period";
    owner_me: "Ik", "Me";
    owner_payroll: "Salarisadministratie", "Payroll administration";
    dossier_of_year: "Dossier van {} – {}", "File of {} – {}";
    details_heading: "Gegevens", "Details";
    owner: "Eigenaar", "Owner";
    date_time: "Datum/tijd", "Date/time";
    size: "Grootte", "Size";
    shared: "Gedeeld", "Shared";
    shared_yes: "gedeeld", "shared";
    shared_with_names: "met {}", "with {}";
    and_word: " en ", " and ";
    view: "Bekijken", "View";
    download: "Download", "Download";
    details: "Details", "Details";
    details_of: "Details van {}", "Details of {}";
    share_with: "Deel met {}", "Share with {}";
    unshare: "Delen stoppen", "Stop sharing";
    delete: "Verwijder", "Delete";
    mark_read: "Markeer gelezen", "Mark read";
    mark_unread: "Markeer ongelezen", "Mark unread";
    corrected: "gecorrigeerd", "corrected";
    confirm_delete_title: "Bestanden verwijderen", "Delete files";
    confirm_delete_one: "Wilt u dit bestand verwijderen?", "Do you want to delete this file?";
    confirm_delete_many: "Wilt u deze {} bestanden verwijderen?", "Do you want to delete these {} files?";
    confirm_delete_final: "Een verwijderd bestand kunt u niet terughalen. Had u het gedeeld, dan ziet ook de ander het niet meer.", "A deleted file cannot be brought back. If you had shared it, the other party no longer sees it either.";
    confirm_backups_title: "Backups verwijderen", "Delete backups";
    confirm_backups_one: "Wilt u deze backup verwijderen?", "Do you want to delete this backup?";
    confirm_backups_many: "Wilt u deze {} backups verwijderen?", "Do you want to delete these {} backups?";
    confirm_backups_final: "Een verwijderde backup kunt u niet terughalen; ook het salarispakket kan hem dan niet meer ophalen.", "A deleted backup cannot be brought back; the payroll software can no longer fetch it either.";
    confirm_delete_yes: "Ja, verwijderen", "Yes, delete";
    cancel: "Annuleren", "Cancel";
    cancel_sign_in: "Annuleren en afmelden", "Cancel and sign out";
    // Passkeys: Profiel, adding and removing one, the offer, sign-in and code pages.
    passkeys_heading: "Passkeys", "Passkeys";
    passkeys_lead: "Met een passkey meldt u zich aan met uw vingerafdruk, uw gezicht of de pincode van uw telefoon of computer: kies op de aanmeldpagina \u{201c}Aanmelden met een passkey\u{201d}, zonder gebruikersnaam of wachtwoord. Meldt u zich met uw wachtwoord aan, dan vraagt de portal daarna om de passkey. Een passkey werkt alleen op {}, dus een nepsite kan er niets mee.",
        "A passkey signs you in with your fingerprint, face or the PIN of your phone or computer: choose \u{201c}Sign in with a passkey\u{201d} on the sign-in page, without username or password. If you sign in with your password, the portal then asks for the passkey. A passkey works on {} only, so a fake site can do nothing with it.";
    passkeys_none: "U heeft nog geen passkey.", "You have no passkey yet.";
    passkeys_unavailable: "Passkeys zijn op dit adres niet beschikbaar: de portal heeft een domeinnaam nodig. Vraag het uw beheerder.",
        "Passkeys are not available at this address: the portal needs a domain name. Ask your administrator.";
    passkey_name: "Naam", "Name";
    passkey_added_on: "Toegevoegd", "Added";
    passkey_last_used: "Laatst gebruikt", "Last used";
    passkey_never_used: "Nog niet", "Not yet";
    passkey_add: "Passkey toevoegen", "Add a passkey";
    passkey_remove: "Verwijderen", "Remove";
    passkey_remove_named: "Passkey {} verwijderen", "Remove passkey {}";
    passkey_new_lead: "Geef de passkey een naam waaraan u het apparaat herkent, bijvoorbeeld \u{201c}iPhone\u{201d} of \u{201c}Laptop thuis\u{201d}, en vul uw wachtwoord in. Daarna maakt uw browser de passkey.",
        "Give the passkey a name you recognise the device by, such as \u{201c}iPhone\u{201d} or \u{201c}Laptop at home\u{201d}, and enter your password. Your browser then makes the passkey.";
    passkey_name_label: "Naam van de passkey", "Name of the passkey";
    passkey_name_wrong: "Naam: geef de passkey een naam van 1 tot 60 tekens, zonder regeleinden.", "Name: give the passkey a name of 1 to 60 characters, without line breaks.";
    back_to_profile: "Terug naar Profiel", "Back to Profile";
    passkey_create_title: "Passkey aanmaken", "Make the passkey";
    passkey_create_lead: "Klik op de knop. Uw browser of telefoon vraagt om uw vingerafdruk, gezicht of pincode en bewaart de passkey \u{201c}{}\u{201d}.",
        "Click the button. Your browser or phone asks for your fingerprint, face or PIN and keeps the passkey \u{201c}{}\u{201d}.";
    passkey_create_button: "Passkey aanmaken", "Make the passkey";
    passkey_cancelled: "Er is geen passkey gemaakt: afgebroken of niet gelukt. Probeer het opnieuw, of kies een ander apparaat.",
        "No passkey was made: cancelled or it did not work. Try again, or choose another device.";
    passkey_elsewhere: "Passkeys werken alleen op het eigen adres van de portal:", "Passkeys only work at the portal's own address:";
    second_step_heading: "Bevestig dat u het bent", "Confirm it is you";
    passkey_unknown: "Deze passkey hoort niet (meer) bij een account van deze portal. Verwijder hem op uw apparaat en meld u aan met uw gebruikersnaam en wachtwoord.",
        "This passkey does not (or no longer) belong to an account of this portal. Remove it from your device and sign in with your username and password.";
    passkey_no_support: "Deze browser kan hier geen passkeys gebruiken. Een recente Chrome, Edge, Safari of Firefox kan het wel.",
        "This browser cannot use passkeys here. A recent Chrome, Edge, Safari or Firefox can.";
    passkey_added: "De passkey \u{201c}{}\u{201d} is toegevoegd. Voortaan meldt u zich daarmee aan; ook na uw wachtwoord vraagt de portal erom. Kwijt? Gebruik dan een herstelcode.",
        "The passkey \u{201c}{}\u{201d} was added. From now on you sign in with it; after your password the portal asks for it too. Lost it? Use a recovery code.";
    passkey_refused: "De passkey is niet geaccepteerd. Probeer het opnieuw.", "The passkey was not accepted. Try again.";
    passkey_removed: "De passkey is verwijderd en uw andere sessies zijn afgemeld. Verwijder hem ook op het apparaat zelf: in de instellingen bij wachtwoorden of passkeys.",
        "The passkey was removed and your other sessions were signed out. Remove it from the device too: in its settings under passwords or passkeys.";
    passkey_remove_title: "Passkey verwijderen", "Remove a passkey";
    passkey_remove_lead: "Met de passkey \u{201c}{}\u{201d} kunt u zich daarna niet meer aanmelden. Is het uw enige passkey en heeft u geen authenticator-app, dan is uw wachtwoord weer genoeg om aan te melden (waar tweestapsverificatie verplicht is, stelt u die bij de volgende keer aanmelden opnieuw in).",
        "The passkey \u{201c}{}\u{201d} will no longer sign you in. If it is your only passkey and you have no authenticator app, your password alone signs you in again (where two-step verification is required, you set it up again at your next sign-in).";
    passkey_sign_in: "Aanmelden met een passkey", "Sign in with a passkey";
    passkey_sign_in_failed: "Aanmelden met de passkey is niet gelukt. Probeer het opnieuw of meld u aan met uw gebruikersnaam en wachtwoord.",
        "Signing in with the passkey did not work. Try again or sign in with your username and password.";
    passkey_second_factor: "Passkey gebruiken", "Use your passkey";
    passkey_code_lead: "Gebruik uw passkey. Geen passkey bij de hand? Vul dan een code uit uw authenticator-app of een herstelcode in.",
        "Use your passkey. No passkey at hand? Enter a code from your authenticator app or a recovery code.";
    passkey_recovery_lead: "Gebruik uw passkey. Geen passkey bij de hand? Vul dan een van uw herstelcodes in.",
        "Use your passkey. No passkey at hand? Enter one of your recovery codes.";
    recovery_code_label: "Herstelcode", "Recovery code";
    passkey_offer_title: "Sneller aanmelden met een passkey", "Sign in faster with a passkey";
    passkey_offer_lead: "Meld u voortaan aan met uw vingerafdruk, gezicht of pincode, zonder wachtwoord: makkelijker en veiliger. Meldt u zich toch met uw wachtwoord aan, dan vraagt de portal daarna om de passkey. U krijgt herstelcodes voor als u het apparaat kwijtraakt. Liever later? Dat kan altijd in Profiel.",
        "Sign in with your fingerprint, face or PIN from now on, without a password: easier and safer. If you do sign in with your password, the portal then asks for the passkey. You get recovery codes for when you lose the device. Rather later? You can always do it in Profile.";
    passkey_offer_yes: "Passkey instellen", "Set up a passkey";
    passkey_offer_no: "Nu niet", "Not now";
    approval_heading: "Akkoord voor de salarisadministratie", "Approval for the payroll administration";
    approval_none: "Er is nog geen akkoord of niet akkoord gegeven.", "No approval or rejection has been given yet.";
    approval_by: "door {} op {}", "by {} on {}";
    approval_earlier: "Eerdere besluiten", "Earlier decisions";
    latest_series: "Laatste serie-overzicht", "Latest series overview";
    approved_tag: "akkoord", "approved";
    rejected_tag: "niet akkoord", "not approved";
    pending_tag: "wacht op akkoord", "awaiting approval";
    decide_lead: "Klopt dit serie-overzicht? Geef groen licht, of zeg wat er niet klopt.", "Is this series overview right? Give the green light, or say what is wrong.";
    decide_approve: "Akkoord", "Approve";
    decide_reject: "Niet akkoord", "Do not approve";
    decide_comment: "Opmerking (niet verplicht)", "Comment (optional)";
    decide_save: "Besluit opslaan", "Save decision";
    decide_choose: "Kies akkoord of niet akkoord.", "Choose approve or do not approve.";
    decided_approved: "U heeft akkoord gegeven. De salarisadministratie ziet het.", "You approved it. The payroll administration sees it.";
    decided_rejected: "U heeft niet akkoord gegeven. De salarisadministratie ziet het, met uw opmerking.", "You did not approve it. The payroll administration sees it, with your comment.";
    letter_heading: "Brief plaatsen", "Place a letter";
    letter_lead: "Een brief (PDF) voor deze werknemer, bijvoorbeeld een werkgeversverklaring. De werknemer krijgt er een e-mail over.", "A letter (PDF) for this employee, for instance an employer's statement. The employee is told by e-mail.";
    letter_title: "Titel van de brief", "Title of the letter";
    letter_file: "De brief (PDF)", "The letter (PDF)";
    letter_button: "Brief plaatsen", "Place the letter";
    letter_title_needed: "Geef de brief een titel van hoogstens 200 tekens.", "Give the letter a title of at most 200 characters.";
    done_letter: "De brief staat in het dossier. De werknemer krijgt er een e-mail over.", "The letter is in the file. The employee is told by e-mail.";
    request_leave: "Verlof aanvragen", "Request leave";
    request_address: "Verhuizing doorgeven", "Report a move";
    request_bank: "Nieuw rekeningnummer", "New bank account";
    request_expense: "Declaratie indienen", "Submit an expense claim";
    request_letter: "Brief aanvragen", "Request a letter";
    noun_leave: "Verlof", "Leave";
    noun_address: "Verhuizing", "Move";
    noun_bank: "Rekeningnummer", "Bank account";
    noun_expense: "Declaratie", "Expense claim";
    noun_letter: "Briefaanvraag", "Letter request";
    state_submitted: "ingediend", "submitted";
    state_withdrawn: "ingetrokken", "withdrawn";
    state_approved: "goedgekeurd", "approved";
    state_rejected: "afgewezen", "rejected";
    state_processed: "verwerkt", "processed";
    hours_value: "{} uur", "{} hours";
    per_date: "per", "from";
    leave_vacation: "Vakantieverlof", "Holiday leave";
    leave_special: "Bijzonder verlof", "Special leave";
    leave_parental: "Ouderschapsverlof", "Parental leave";
    leave_unpaid: "Onbetaald verlof", "Unpaid leave";
    letter_employer_statement: "Werkgeversverklaring", "Employer's statement";
    letter_other: "Andere brief", "Another letter";
    no_requests: "Er zijn geen verzoeken.", "There are no requests.";
    request_kind: "Soort", "Kind";
    employee: "Werknemer", "Employee";
    request_what: "Wat", "What";
    submitted_on: "Ingediend", "Submitted";
    request_state: "Status", "Status";
    all_states: "Alle", "All";
    all_kinds: "Alle soorten", "All kinds";
    requests_lead: "Vraag hier verlof aan, geef een verhuizing of nieuw rekeningnummer door, dien een declaratie in of vraag een brief. Uw werkgever beslist; u krijgt een e-mail zodra dat is gebeurd.", "Request leave, report a move or a new bank account, submit an expense claim or ask for a letter here. Your employer decides; you get an e-mail once it has.";
    requests_count: "Verzoeken ({})", "Requests ({})";
    leave_from: "Eerste dag", "First day";
    leave_to: "Laatste dag", "Last day";
    leave_hours: "Aantal uren", "Hours";
    leave_hours_hint: "Bijvoorbeeld 7,5.", "For example 7.5.";
    leave_kind: "Soort verlof", "Kind of leave";
    note_optional: "Toelichting (niet verplicht)", "Note (optional)";
    note: "Toelichting", "Note";
    postal_code: "Postcode", "Postal code";
    city: "Plaats", "Town";
    country_code: "Land (twee letters, bijvoorbeeld NL)", "Country (two letters, e.g. NL)";
    address_from: "Nieuw adres per", "New address from";
    iban: "IBAN", "IBAN";
    account_holder: "Ten name van", "Account holder";
    bank_password_lead: "Uw salaris gaat naar dit rekeningnummer: vul daarom uw wachtwoord nog eens in.", "Your salary goes to this account: enter your password once more.";
    expense_amount: "Bedrag in euro", "Amount in euros";
    expense_date: "Datum van de uitgave", "Date of the expense";
    expense_description: "Omschrijving", "Description";
    expense_receipts: "Bonnen (PDF, PNG of JPEG)", "Receipts (PDF, PNG or JPEG)";
    letter_which: "Welke brief", "Which letter";
    letter_reason: "Waarvoor heeft u de brief nodig?", "What do you need the letter for?";
    request_send: "Verzoek indienen", "Submit the request";
    back_to_requests: "Terug naar de verzoeken", "Back to the requests";
    request_history: "Verloop", "History";
    request_decide: "Uw besluit", "Your decision";
    request_approve: "Goedkeuren", "Approve";
    request_reject: "Afwijzen", "Reject";
    request_withdraw: "Verzoek intrekken", "Withdraw the request";
    request_submitted_notice: "Uw verzoek is ingediend. U krijgt een e-mail zodra uw werkgever heeft beslist.", "Your request has been submitted. You get an e-mail once your employer has decided.";
    request_withdrawn_notice: "Uw verzoek is ingetrokken.", "Your request has been withdrawn.";
    request_approved_notice: "Goedgekeurd. De werknemer krijgt een e-mail.", "Approved. The employee gets an e-mail.";
    request_rejected_notice: "Afgewezen. De werknemer krijgt een e-mail.", "Rejected. The employee gets an e-mail.";
    request_field_wrong: "Controleer „{}”.", "Check “{}”.";
    request_choose: "Kies goedkeuren of afwijzen.", "Choose approve or reject.";
    nothing_selected: "Kies eerst een of meer bestanden met de vakjes.", "First choose one or more files with the boxes.";
    no_such_action: "Deze actie bestaat niet.", "This action does not exist.";
    not_allowed_title: "Niet toegestaan", "Not allowed";
    not_allowed_text: "Dit kan niet met een van de gekozen bestanden; er is niets gewijzigd. Loon-bestanden kunt u niet delen of verwijderen.",
        "This is not possible with one of the chosen files; nothing was changed. Payroll files cannot be shared or deleted.";
    back_to_dossier: "Terug naar het dossier", "Back to the file";
    period_year: "jaar {}", "year {}";
    period_month: "{} {}", "{} {}";
    month_names: "januari februari maart april mei juni juli augustus september oktober november december",
        "January February March April May June July August September October November December";
    period_week: "week {} van {}", "week {} of {}";
    period_four_weeks: "periode {} van {}", "period {} of {}";

    // Uploads.
    upload_heading: "Bestanden uploaden", "Upload files";
    upload_kind: "Soort bestand", "Kind of file";
    kind_id_copy: "Kopie identiteitsbewijs", "Copy of ID";
    kind_expense_claim: "Declaratie", "Expense claim";
    kind_other: "Overig", "Other";
    upload_files: "Bestanden (PDF, PNG of JPEG)", "Files (PDF, PNG or JPEG)";
    upload_drop: "Of sleep bestanden hierheen", "Or drop files here";
    upload_private: "Een upload ziet alleen u, tot u hem deelt met {}.", "Only you see an upload until you share it with {}.";
    upload_private_only: "Een upload ziet alleen u.", "Only you see an upload.";
    upload_button: "Uploaden", "Upload";
    upload_failed: "Uploaden niet gelukt", "Upload failed";
    upload_garbled: "Het formulier kwam niet goed aan. Probeer het opnieuw.", "The form did not arrive properly. Please try again.";
    upload_choose_kind: "Kies eerst wat voor bestand het is.", "First choose what kind of file it is.";
    upload_unknown_field: "Het formulier bevat een onbekend veld.", "The form contains an unknown field.";
    upload_no_file: "Kies een of meer bestanden om te uploaden.", "Choose one or more files to upload.";
    upload_too_large: "Het bestand is groter dan {} MB.", "The file is larger than {} MB.";
    upload_bad_type: "Dit soort bestand wordt niet aangenomen. Upload een PDF, PNG of JPEG.", "This kind of file is not accepted. Upload a PDF, PNG or JPEG.";
    upload_too_many: "Upload ten hoogste {} bestanden tegelijk.", "Upload at most {} files at once.";
    upload_quota_full: "De ruimte voor uw eigen bestanden ({} MB) is vol; er is niets opgeslagen. Verwijder bestanden die u niet meer nodig heeft; verwijderde bestanden tellen nog mee tot ze na de bewaartermijn van de prullenbak definitief weg zijn.", "The space for your own files ({} MB) is full; nothing was stored. Delete files you no longer need; deleted files still count until the trash is emptied after its retention period.";
    upload_empty: "Het bestand is leeg (0 bytes); er is niets opgeslagen. Kies het bestand opnieuw.", "The file is empty (0 bytes); nothing was stored. Choose the file again.";
    upload_invalid: "Het bestand kon niet worden opgeslagen; controleer de naam en het soort.", "The file could not be stored; check its name and kind.";
    upload_disk_full: "De opslag van de portal is vol; er is niets opgeslagen. Probeer het later opnieuw.",
        "The portal's storage is full; nothing was stored. Please try again later.";
    storage_unavailable: "De bestandsopslag van de portal is even niet bereikbaar; er is niets opgeslagen. Probeer het over een minuut opnieuw.", "The portal's file storage cannot be reached right now; nothing was stored. Try again in a minute.";
    upload_not_here: "U kunt hier geen bestanden uploaden.", "You cannot upload files here.";
    upload_partial: " De {} bestand(en) daarvoor zijn wel opgeslagen.", " The {} file(s) before it were stored.";

    // Details.
    superseded: "Deze versie is vervangen door een correctie.", "This version has been replaced by a correction.";
    file_name: "Bestandsnaam", "File name";
    bytes: "{} bytes", "{} bytes";
    placed_at: "Geplaatst", "Placed";
    placed_by: "Geplaatst door", "Placed by";
    sha256: "SHA-256", "SHA-256";
    earlier_versions: "Eerdere versies", "Earlier versions";
    placed_on: " – geplaatst {}", " – placed {}";

    // Ongelezen.
    unread_title: "Ongelezen", "Unread";
    unread_heading: "Ongelezen ({})", "Unread ({})";
    no_unread: "U heeft alles gelezen: er staat niets nieuws voor u klaar.", "You have read everything: nothing new is waiting for you.";
    unread_more: "Hier staan de nieuwste {}. Markeer ze als gelezen om de volgende te zien.", "These are the newest {}. Mark them read to see the next ones.";
    from_whom: "Van", "From";
    sort_by: "Sorteren:", "Sort:";
    sort_newest: "nieuwste eerst", "newest first";
    sort_by_name: "op afzender", "by sender";

    // Werknemers and Werkgevers.
    employees_heading: "Werknemers ({})", "Employees ({})";
    employees_of: "Werknemers van {} ({})", "Employees of {} ({})";
    search_all_employees: "Zoeken gaat over alle {} werknemers, niet alleen deze pagina.", "Search looks through all {} employees, not just this page.";
    pages_label: "Pagina's", "Pages";
    previous_page: "Vorige", "Previous";
    next_page: "Volgende", "Next";
    rows_of: "{}–{} van {}", "{}–{} of {}";
    employees_link_of: "Werknemers van {}", "Employees of {}";
    search_employees: "Zoeken op naam, nummer of e-mail", "Search by name, number or email";
    no_employees: "Geen werknemers gevonden.", "No employees found.";
    number_short: "Nr", "No.";
    birth_date_short: "Geb.-datum", "Date of birth";
    account: "Account", "Account";
    show_bsn: "Toon", "Show";
    show_bsn_of: "Toon het BSN van {}", "Show the BSN of {}";
    bsn_logged: "Dat u dit nummer heeft bekeken, staat in het logboek.", "That you looked at this number is in the audit log.";
    back_to_employees: "Terug naar Werknemers", "Back to Employees";
    back_to_my_details: "Terug naar Mijn gegevens", "Back to My details";
    dossier_of: "Dossier van {}", "File of {}";
    year_wrong_title: "Jaar klopt niet", "Year is not right";
    page_wrong_text: "Pagina: een paginanummer, 1 of hoger.", "Page: a page number, 1 or more.";
    year_wrong_text: "Jaar: vul een jaartal in, bijvoorbeeld 2026, of laat het leeg.", "Year: enter a year, for example 2026, or leave it empty.";
    status_not_invited: "Niet uitgenodigd", "Not invited";
    status_invited: "Uitgenodigd", "Invited";
    status_active: "Actief", "Active";
    consent_title: "Uw loonstroken: digitaal of op papier?", "Your payslips: online or on paper?";
    consent_lead: "Uw werkgever mag uw loonstroken alleen digitaal geven als u daarmee instemt (artikel 7:626 lid 4 Burgerlijk Wetboek). Kies hoe u ze wilt ontvangen. U kunt dit later altijd wijzigen onder Profiel.", "Your employer may give you your payslips electronically only if you agree (Dutch Civil Code, article 7:626(4)). Choose how you want to receive them. You can change this at any time under Profile.";
    consent_profile_lead: "Uw werkgever mag uw loonstroken alleen digitaal geven als u daarmee instemt (artikel 7:626 lid 4 Burgerlijk Wetboek).", "Your employer may give you your payslips electronically only if you agree (Dutch Civil Code, article 7:626(4)).";
    consent_electronic: "Digitaal, in dit online dossier", "Online, in this file";
    consent_paper: "Op papier, van mijn werkgever", "On paper, from my employer";
    consent_paper_note: "Ook als u voor papier kiest, blijven uw documenten hier te zien.", "Even if you choose paper, your documents stay available here.";
    consent_save: "Keuze opslaan", "Save my choice";
    consent_needed: "Kies digitaal of op papier.", "Choose online or on paper.";
    consent_heading: "Loonstroken", "Payslips";
    consent_now: "Uw keuze: {}, sinds {}.", "Your choice: {}, since {}.";
    consent_saved: "Uw keuze is opgeslagen.", "Your choice has been saved.";
    delivery_electronic: "digitaal", "online";
    delivery_paper: "op papier", "on paper";
    delivery_not_asked: "nog niet gevraagd", "not asked yet";
    delivery_column: "Loonstrook", "Payslip";
    access_heading: "Wie heeft dit document geopend", "Who opened this document";
    access_none: "Niemand heeft dit document nog geopend.", "Nobody has opened this document yet.";
    access_when: "Wanneer", "When";
    access_who: "Wie", "Who";
    access_what: "Wat", "What";
    access_viewed: "bekeken", "viewed";
    access_downloaded: "gedownload", "downloaded";
    accessor_you: "u", "you";
    accessor_employer: "werkgever {}", "employer {}";
    accessor_bureau: "administratiekantoor {}", "payroll bureau {}";
    accessor_employee: "werknemer {}", "employee {}";
    accessor_system: "beheer", "administrator";
    access_page_title: "Wie heeft mijn documenten ingezien?", "Who has looked at my documents?";
    access_page_lead: "Hier ziet u wanneer anderen – zoals uw werkgever of het administratiekantoor – uw documenten hebben geopend of gedownload. U heeft recht op deze inzage (artikel 15 AVG).", "Here you see when others – such as your employer or the payroll bureau – opened or downloaded your documents. You have a right to see this (GDPR article 15).";
    access_page_none: "Nog niemand anders heeft uw documenten geopend.", "Nobody else has opened your documents yet.";
    access_page_link: "Wie heeft mijn documenten ingezien?", "Who has looked at my documents?";
    access_newest: "De nieuwste {}.", "The newest {}.";
    document_column: "Document", "Document";
    zip_year: "{} downloaden als ZIP", "Download {} as a ZIP";
    zip_all: "Alles downloaden als ZIP", "Download everything as a ZIP";
    colleagues_heading: "Collega's", "Colleagues";
    colleagues_lead: "Geef collega's die ook de salarisadministratie doen een eigen inlog: een eigen gebruikersnaam, wachtwoord en authenticator-app, met dezelfde rechten als u. Zo hoeft niemand een inlog te delen, en kunt u iemand die vertrekt meteen de toegang ontnemen.", "Give colleagues who also do payroll a login of their own: their own username, password and authenticator app, with the same rights as you. Nobody needs to share a login, and you can take access away at once from someone who leaves.";
    colleagues_none: "U heeft nog geen collega's uitgenodigd.", "You have not invited any colleagues yet.";
    colleague_name: "Naam", "Name";
    colleague_email: "E-mailadres", "E-mail address";
    colleague_username: "Gebruikersnaam", "Username";
    colleague_last_login: "Laatst aangemeld", "Last signed in";
    colleague_invite_heading: "Collega uitnodigen", "Invite a colleague";
    colleague_invite_button: "Uitnodigen", "Invite";
    colleague_invited: "De collega is uitgenodigd en krijgt een e-mail met de gebruikersnaam en een link om een wachtwoord in te stellen.", "The colleague has been invited and gets an e-mail with the username and a link to set a password.";
    colleague_remove_heading: "Collega verwijderen", "Remove a colleague";
    colleague_remove_label: "Collega", "Colleague";
    colleague_remove_button: "Verwijderen", "Remove";
    colleague_removed: "De collega is verwijderd en kan niet meer aanmelden.", "The colleague has been removed and can no longer sign in.";
    never: "nog nooit", "never";
    colleague_name_needed: "Vul de naam van de collega in (hoogstens 200 tekens).", "Fill in the colleague's name (at most 200 characters).";
    colleague_choose: "Kies de collega die u wilt verwijderen.", "Choose the colleague to remove.";
    status_disabled: "Uitgeschakeld", "Disabled";
    employers_heading: "Werkgevers ({})", "Employers ({})";
    search_employers: "Zoeken op naam, klantnummer of loonheffingennummer", "Search by name, client number or payroll tax number";
    no_employers: "Geen werkgevers gevonden.", "No employers found.";
    client_number_short: "Klantnr", "Client no.";
    its_dossier: "Dossier", "File";
    its_employees: "Werknemers", "Employees";
    back_to_employers: "Terug naar Werkgevers", "Back to Employers";

    // Backups.
    backups_title: "Backups", "Backups";
    backups_lead: "Backups van de salarisadministratie, geplaatst door het salarispakket. De nieuwste {} per klant blijven bewaard.",
        "Backups of the payroll administration, placed by the payroll software. The newest {} per client are kept.";
    backups_year: "Backups {} ({})", "Backups {} ({})";
    show_backups_for: "Toon backups voor het jaar", "Show backups for the year";
    description: "Omschrijving", "Description";
    no_backups: "Er zijn nog geen backups.", "There are no backups yet.";
    delete_selected: "Verwijder geselecteerde", "Delete selected";
    backups_deleted: "{} backup(s) verwijderd.", "{} backup(s) deleted.";
}
