## careid auf Deutsch (förmliche Anrede „Sie“). Dieselben Schlüssel wie en.

## Gemeinsam
language-switcher = Sprache
close-window = Sie können dieses Fenster jetzt schließen.
next = Weiter
confirm = Bestätigen
cancel = Abbrechen
back-to-account = Zurück zu Ihrem Konto
app-open = App öffnen
app-not-yet = Sie haben die App noch nicht?
field-email = E-Mail-Adresse
field-password = Passwort
field-your-password = Ihr Passwort
field-current-password = Aktuelles Passwort
field-new-password = Neues Passwort
field-new-password-again = Neues Passwort wiederholen
field-first-name = Vorname
field-given-name = Vorname
field-family-name = Nachname
field-mobile = Mobilnummer mit Ländervorwahl
password-change = Passwort ändern
role-name = { $role ->
    [admin] Administrator/in
    [clinician] medizinische Fachkraft
   *[patient] Patient/in
}
last-used = zuletzt verwendet am { $at }
datetime = { $day }. { $month } { $year }, { $time } Uhr (UTC)
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember

## Anmeldung
login-title = Anmelden
login-continue-to = um mit <strong>{ $client }</strong> fortzufahren
login-submit = Anmelden
login-forgot = Passwort vergessen?
login-passkey = Mit Passkey anmelden
login-passkey-fallback = Stattdessen mit Passwort anmelden
consent-title = Zugriff erlauben
consent-heading = { $client } Zugriff erlauben?
consent-intro = { $client } möchte:
consent-signed-in-as = Angemeldet als { $email }.
consent-allow = Erlauben
consent-deny = Ablehnen
form-post-continue = Weiter
form-post-noscript = JavaScript ist ausgeschaltet: Klicken Sie auf „Weiter“, um zur Anwendung zurückzukehren.
logged-out-title = Abgemeldet
logged-out-heading = Sie sind abgemeldet
still-signed-in-title = Weiterhin angemeldet
still-signed-in-heading = Sie sind weiterhin angemeldet
logout-title = Abmelden
logout-heading = Abmelden?
logout-asked-by = { $client } möchte Sie abmelden.
logout-stay = Angemeldet bleiben
terms-title = Bevor es losgeht
terms-read = Bitte lesen Sie die <a href="{ $terms_url }" rel="noopener">Nutzungsbedingungen</a> (Version { $version }).
terms-read-privacy = Bitte lesen Sie die <a href="{ $terms_url }" rel="noopener">Nutzungsbedingungen</a> (Version { $version }) und die <a href="{ $privacy_url }" rel="noopener">Datenschutzhinweise</a>.
terms-accept = Ich habe diese gelesen und stimme ihnen zu
terms-start = { $client } jetzt nutzen

## Codes per SMS
sms-title = Bestätigung in zwei Schritten
sms-sent = Wir haben Ihnen einen 6-stelligen Code per SMS an <strong>{ $phone }</strong> gesendet. Er ist 5 Minuten lang gültig.
sms-field = Bestätigungscode
sms-resend = Neuen Code senden
sms-lost-phone = Telefon verloren? Verwenden Sie einen Wiederherstellungscode
phone-title = Mobilnummer hinzufügen
phone-body = Für die Anmeldung brauchen Sie einen Code, den wir per SMS an Ihr Mobiltelefon senden.
phone-confirm-title = Neue Nummer bestätigen
phone-confirm-to-turn-off = Geben Sie ihn ein, um die Bestätigung in zwei Schritten auszuschalten.
recovery-title = Wiederherstellungscode verwenden
recovery-body = Geben Sie einen der Wiederherstellungscodes ein, die Sie beim Einschalten der Bestätigung in zwei Schritten gespeichert haben. Jeder Code funktioniert nur einmal.
recovery-field = Wiederherstellungscode
recovery-use-sms = Stattdessen einen Code per SMS verwenden
recovery-codes-title = Wiederherstellungscodes speichern
recovery-codes-body = Falls Sie Ihr Telefon verlieren, meldet Sie jeder dieser Codes einmal anstelle eines SMS-Codes an. Bewahren Sie sie sicher auf, etwa in einem Passwort-Manager oder ausgedruckt. Sie werden nur jetzt angezeigt.
recovery-codes-saved = Ich habe sie gespeichert – weiter

## Passkeys
passkey-confirm-title = Bestätigen Sie, dass Sie es sind
passkey-confirm-body = Verwenden Sie Ihren Passkey: Fingerabdruck, Gesichtserkennung oder Bildschirmsperre Ihres Geräts.
passkey-confirm-use = Passkey verwenden
passkey-confirm-unsupported = Dieser Browser kann keine Passkeys verwenden.
passkey-confirm-noscript = Für Passkeys muss JavaScript in diesem Browser eingeschaltet sein.
passkey-use-sms = Stattdessen einen Code per SMS erhalten
passkey-start-again = Anmeldung neu beginnen
passkey-add = Passkey hinzufügen
passkey-register-body = Ihre Organisation bittet Sie, sich mit einem Passkey anzumelden. Fingerabdruck, Gesichtserkennung oder Bildschirmsperre entsperren ihn, Sie müssen sich nichts merken, und auf anderen Websites lässt er sich nicht verwenden.
passkey-register-name = Ein Name dafür (optional)
passkey-name-placeholder = Mein Telefon
passkey-register-unsupported = Dieser Browser kann keine Passkeys erstellen. Bitte verwenden Sie einen anderen Browser oder Ihr Telefon.
passkey-add-noscript = Zum Hinzufügen eines Passkeys muss JavaScript in diesem Browser eingeschaltet sein.

## Passwort zurücksetzen
forgot-title = Passwort zurücksetzen
forgot-body = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wir senden Ihnen dann einen Link, über den Sie ein neues Passwort wählen können.
forgot-submit = Link senden
forgot-back = Zurück zur Anmeldung
reset-title = Neues Passwort wählen
reset-signs-out = Wenn Sie Ihr Passwort ändern, werden Sie überall abgemeldet.

## Einladungen, Registrierung und Bestätigung der E-Mail-Adresse
invitation-closed-title = Einladung nicht verfügbar
invitation-closed-heading = Diese Einladung kann nicht verwendet werden
invitation-closed-body = Einladungslinks funktionieren nur einmal und nur für begrenzte Zeit. Bitten Sie die Person, die Sie eingeladen hat, Ihnen eine neue Einladung zu senden.
invitation-closed-existing = Wenn Sie Ihr Konto bereits erstellt haben, melden Sie sich über Ihre Anwendung an.
signup-title = Konto erstellen
signup-invited = { $inviter } hat Sie zu <strong>{ $deployment }</strong> eingeladen, { $role ->
    [admin] als Administrator/in
    [clinician] als medizinische Fachkraft
   *[patient] als Patient/in
}.
signup-strength = Passwortstärke
signup-strength-score = { $score } von 4
signup-password-hint = Mindestens { $min } Zeichen. Ein Satz aus einigen Wörtern, die nichts miteinander zu tun haben, ist sicher und leicht zu merken.
signup-accept-terms = Ich akzeptiere die <a href="{ $terms_url }" target="_blank" rel="noopener">Nutzungsbedingungen</a>.
signup-accept-terms-privacy = Ich akzeptiere die <a href="{ $terms_url }" target="_blank" rel="noopener">Nutzungsbedingungen</a> und habe die <a href="{ $privacy_url }" target="_blank" rel="noopener">Datenschutzhinweise</a> gelesen.
signup-submit = Konto erstellen
signup-done-title = Ihr Konto ist bereit
signup-done-member = Sie sind jetzt Mitglied von { $deployment }. Machen Sie in der App weiter:
signup-done-manage = Konto im Browser verwalten
verify-title = E-Mail-Adresse bestätigen
verify-body = Bestätigen Sie, dass diese E-Mail-Adresse Ihnen gehört.
verify-submit = E-Mail-Adresse bestätigen
verify-required-title = E-Mail-Adresse nicht bestätigt
verify-required-heading = Ihre E-Mail-Adresse wurde nicht rechtzeitig bestätigt
verify-required-body = Zum Schutz Ihres Kontos müssen Sie <strong>{ $email }</strong> bestätigen, bevor Sie sich anmelden können. Wir können Ihnen einen neuen Bestätigungslink senden.
verify-required-resend = Neuen Link senden
verify-required-then = Sobald Sie Ihre Adresse bestätigt haben, <a href="{ $href }">melden Sie sich erneut an</a>.

## Konto
account-title = Ihr Konto
account-not-verified = (noch nicht bestätigt)
account-app = Die App
account-app-not-yet = noch nicht installiert?
account-language = Sprache
account-language-label = Sprache für Seiten, E-Mails und SMS
account-language-save = Sprache speichern
account-name = Name
account-name-save = Name speichern
two-step-title = Bestätigung in zwei Schritten
two-step-on = Ein
two-step-off = Aus
two-step-codes-go-to = Codes gehen an { $phone }
two-step-required = Ihre Organisation schreibt die Bestätigung in zwei Schritten vor, daher kann sie nicht ausgeschaltet werden.
two-step-password-to-turn-off = Ihr Passwort, um sie auszuschalten
two-step-turn-off = Bestätigung in zwei Schritten ausschalten
two-step-turn-on = Bestätigung in zwei Schritten einschalten
recovery-codes = Wiederherstellungscodes
recovery-codes-left = { $left } von { $issued } Codes noch nicht verwendet
recovery-codes-none = Noch keine
recovery-codes-password = Ihr Passwort, um neue Codes zu erstellen (die alten werden dann ungültig)
recovery-codes-new = Neue Wiederherstellungscodes erstellen
mobile-title = Mobilnummer
mobile-new = Neue Mobilnummer mit Ländervorwahl
mobile-send-code = Code an diese Nummer senden
mobile-password-to-remove = Ihr Passwort, um { $phone } zu entfernen
mobile-remove = Nummer entfernen
passkeys-title = Biometrische Anmeldung
passkeys-intro = Mit einem Passkey melden Sie sich per Fingerabdruck, Gesichtserkennung oder Bildschirmsperre an – ohne Passwort und Code.
passkey-added = hinzugefügt am { $at }
passkey-not-used = noch nicht verwendet
passkey-new-name = Neuer Name
passkey-rename = Umbenennen
passkey-remove = Entfernen
passkeys-none = Sie haben noch keinen Passkey.
passkeys-required = Ihre Organisation schreibt einen Passkey vor: Fügen Sie einen weiteren hinzu, bevor Sie Ihren letzten entfernen.
passkey-name-optional = Ein Name für den neuen Passkey (optional)
passkeys-unavailable = Passkeys sind auf diesem Server nicht verfügbar.
sessions-title = Wo Sie angemeldet sind
session-signed-in = Angemeldet am { $at }
session-this-browser = dieser Browser
sessions-end-others = Überall sonst abmelden
accepted-title = Was Sie akzeptiert haben
accepted-item = { $document }, Version { $version }, am { $at }

## Fehler
error-code = Referenz für den Support:
support-questions = Fragen? Der Support von { $product } hilft Ihnen gern:
error-retry-after = { $seconds ->
    [one] Bitte versuchen Sie es in einer Sekunde erneut.
   *[other] Bitte versuchen Sie es in { $seconds } Sekunden erneut.
}
error-unknown-language = Diese Sprache wird von { $product } nicht unterstützt.
error-bad-request-title = Mit dieser Anfrage stimmt etwas nicht
error-expired-title = Diese Anmeldung ist abgelaufen
error-expired-message = Bitte kehren Sie zur Anwendung zurück und beginnen Sie von vorn.
error-too-many-title = Zu viele Versuche
error-too-many-message = Bitte warten Sie einen Moment und versuchen Sie es dann erneut.
error-link-title = Dieser Link kann nicht verwendet werden
error-link-message = Er ist möglicherweise abgelaufen oder wurde bereits verwendet. Sie können einen neuen anfordern.
error-stale-form = Dieses Formular ist nicht mehr gültig. Bitte gehen Sie zurück und versuchen Sie es erneut.
error-unavailable-title = Vorübergehend nicht verfügbar
error-unavailable-message = { $product } kann das gerade nicht abschließen. Bitte versuchen Sie es in Kürze erneut.
error-unreadable-form = Das Formular konnte nicht gelesen werden.
error-cross-site-title = Dieses Formular stammt von einer anderen Website
error-cross-site-message = { $product } nimmt nur Formulare von seinen eigenen Seiten an. Bitte kehren Sie zur Anwendung zurück und beginnen Sie von vorn.

## Codes per SMS (Seiten und die Nachricht selbst)
sms-code-text = Ihr Bestätigungscode für { $product } lautet { $code }. Er ist 5 Minuten lang gültig.
sms-code-wrong = Dieser Code ist nicht richtig. { $remaining ->
    [one] Sie haben noch einen Versuch.
   *[other] Sie haben noch { $remaining } Versuche.
}
sms-code-void = Dieser Code kann nicht mehr verwendet werden. Bitte gehen Sie zurück und fordern Sie einen neuen an.
sms-too-soon = Gerade wurde ein Code gesendet. { $seconds ->
    [one] Einen weiteren können Sie in einer Sekunde anfordern.
   *[other] Einen weiteren können Sie in { $seconds } Sekunden anfordern.
}
sms-limited = Es wurden zu viele Codes angefordert. { $minutes ->
    [one] Bitte versuchen Sie es in einer Minute erneut.
   *[other] Bitte versuchen Sie es in { $minutes } Minuten erneut.
}
sms-not-sent-title = Die SMS konnte nicht gesendet werden
sms-not-sent-message = Bitte gehen Sie zurück und versuchen Sie es gleich noch einmal.

## E-Mails (die erste Zeile des Textteils ist der Betreff)
email-hello = Guten Tag { $name },
email-hello-plain = Guten Tag,
email-button-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
email-get-app = Laden Sie anschließend die App herunter:
email-invitation-subject = { $inviter } hat Sie zu { $deployment } eingeladen
email-invitation-title = Ihre Einladung zu { $deployment }
email-invitation-heading = Sie sind zu { $deployment } eingeladen
email-invitation-body = { $inviter } hat Sie eingeladen, { $deployment } auf { $product } { $role ->
    [admin] als Administrator/in
    [clinician] als medizinische Fachkraft
   *[patient] als Patient/in
} beizutreten.
email-invitation-button-once = Die Schaltfläche funktioniert einmal und { $days ->
    [one] einen Tag lang.
   *[other] { $days } Tage lang.
} Falls sie sich nicht öffnet, kopieren Sie diese Adresse in Ihren Browser:
email-invitation-link-once = Erstellen Sie hier Ihr Konto (der Link funktioniert einmal und { $days ->
    [one] einen Tag lang):
   *[other] { $days } Tage lang):
}
email-invitation-unexpected = Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.
email-verify-confirm = Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist.
email-verify-open-link = Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist, indem Sie diesen Link öffnen:
email-verify-deadline = Der Link ist { $hours ->
    [one] eine Stunde
   *[other] { $hours } Stunden
} lang gültig. Wenn Sie Ihre Adresse nicht rechtzeitig bestätigen, wird Ihr Konto gesperrt, bis Sie dies nachholen.
email-verify-not-you = Falls Sie kein Konto erstellt haben, können Sie diese E-Mail ignorieren.
email-reminder-subject = Erinnerung: Bitte bestätigen Sie Ihre E-Mail-Adresse
email-reminder-body-html = Sie haben Ihre E-Mail-Adresse noch nicht bestätigt. Bitte holen Sie dies innerhalb { $hours ->
    [one] einer Stunde
   *[other] von { $hours } Stunden
} nach, sonst wird Ihr Konto gesperrt, bis Sie es tun.
email-reminder-body-text = Sie haben Ihre E-Mail-Adresse noch nicht bestätigt. Bitte öffnen Sie diesen Link innerhalb { $hours ->
    [one] einer Stunde
   *[other] von { $hours } Stunden
}, sonst wird Ihr Konto gesperrt, bis Sie es tun:
email-reset-body-html = Jemand hat angefordert, das Passwort Ihres Kontos zurückzusetzen. Um ein neues Passwort zu wählen, verwenden Sie diesen Link innerhalb von { $minutes } Minuten.
email-reset-body-text = Jemand hat angefordert, das Passwort Ihres Kontos zurückzusetzen. Um ein neues Passwort zu wählen, öffnen Sie diesen Link innerhalb von { $minutes } Minuten:
email-reset-not-you = Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.
email-locked-subject = Zu viele falsche Passwörter für Ihr Konto
email-locked-body = Für Ihr Konto wurde { $failures }-mal hintereinander ein falsches Passwort eingegeben. Die Anmeldung mit Passwort ist daher bis { $until } ausgesetzt. In Browsern, in denen Sie bereits angemeldet sind, können Sie weiterarbeiten.
email-locked-advice-html = Falls Sie das waren, warten Sie bis dahin und versuchen Sie es dann erneut, oder wählen Sie auf der Anmeldeseite über „Passwort vergessen?“ ein neues Passwort. Falls nicht, versucht womöglich jemand, Ihr Passwort zu erraten: Wählen Sie auf <a href="{ $account }">Ihrer Kontoseite</a> ein neues, sobald Sie sich anmelden können, und wenden Sie sich an Ihre Gesundheitseinrichtung.
email-locked-advice-text = Falls Sie das waren, warten Sie bis dahin und versuchen Sie es dann erneut, oder wählen Sie auf der Anmeldeseite über „Passwort vergessen?“ ein neues Passwort. Falls nicht, versucht womöglich jemand, Ihr Passwort zu erraten: Wählen Sie auf Ihrer Kontoseite ({ $account }) ein neues, sobald Sie sich anmelden können, und wenden Sie sich an Ihre Gesundheitseinrichtung.
email-recovery-used-subject = Bei der Anmeldung wurde ein Wiederherstellungscode verwendet
email-recovery-used-body = Soeben wurde für die Anmeldung bei Ihrem Konto ein Wiederherstellungscode anstelle eines SMS-Codes verwendet. { $left ->
    [one] Sie haben noch einen unbenutzten Wiederherstellungscode.
   *[other] Sie haben noch { $left } unbenutzte Wiederherstellungscodes.
}
email-recovery-used-new-html = Falls Sie das waren, können Sie auf <a href="{ $account }">Ihrer Kontoseite</a> neue Codes erstellen.
email-recovery-used-new-text = Falls Sie das waren, können Sie auf Ihrer Kontoseite neue Codes erstellen: { $account }
email-recovery-used-not-you = Falls Sie das nicht waren, kennt jemand Ihr Passwort und einen Ihrer Wiederherstellungscodes: Ändern Sie jetzt Ihr Passwort und wenden Sie sich an Ihre Gesundheitseinrichtung.
email-changed-subject = Ihre Anmeldeeinstellungen wurden geändert
email-changed-advice-html = Falls Sie das waren, müssen Sie nichts tun. Falls nicht, kennt womöglich jemand Ihr Passwort: Ändern Sie es jetzt auf <a href="{ $account }">Ihrer Kontoseite</a> und wenden Sie sich an Ihre Gesundheitseinrichtung.
email-changed-advice-text = Falls Sie das waren, müssen Sie nichts tun. Falls nicht, kennt womöglich jemand Ihr Passwort: Ändern Sie es jetzt auf Ihrer Kontoseite ({ $account }) und wenden Sie sich an Ihre Gesundheitseinrichtung.
changed-passkey-added = Ihrem Konto wurde ein Passkey mit dem Namen „{ $name }“ hinzugefügt.
changed-passkey-removed = Ein Passkey wurde aus Ihrem Konto entfernt.
changed-password = Ihr Passwort wurde geändert. Alle anderen Browser und Apps, die bei Ihrem Konto angemeldet waren, wurden abgemeldet.
changed-phone = Codes für die Anmeldung gehen jetzt an die Mobilnummer { $phone }.
changed-phone-removed = Die Mobilnummer wurde aus Ihrem Konto entfernt.
changed-two-step-on = Die Bestätigung in zwei Schritten wurde für Ihr Konto eingeschaltet: Bei der Anmeldung wird jetzt auch ein Code abgefragt.
changed-two-step-off = Die Bestätigung in zwei Schritten wurde für Ihr Konto ausgeschaltet.
changed-recovery-codes = Für Ihr Konto wurden neue Wiederherstellungscodes erstellt; die bisherigen Codes funktionieren nicht mehr.
changed-factors-reset = Ihre Mobilnummer, Ihre Wiederherstellungscodes und Ihre Passkeys wurden { $by ->
    [administrator] von einer Administratorin oder einem Administrator Ihres Versorgungsprogramms
   *[operator] vom Betreiber des Dienstes
} entfernt, und Sie wurden abgemeldet. Wo Ihre Organisation sie vorschreibt, richten Sie sie bei der nächsten Anmeldung neu ein.
signup-error-email = Bitte geben Sie eine gültige E-Mail-Adresse ein.
signup-error-terms = Bitte akzeptieren Sie die Nutzungsbedingungen, um fortzufahren.
signup-error-email-taken = Mit dieser E-Mail-Adresse kann kein neues Konto erstellt werden. Wenn Sie bereits ein Konto haben, melden Sie sich bitte an.
signup-error-given-name = Bitte geben Sie Ihren Vornamen ein (höchstens { $max } Zeichen).
signup-error-family-name = Bitte geben Sie Ihren Nachnamen ein (höchstens { $max } Zeichen).

## Messages handlers write
authorize-two-clients = Die Anfrage nennt zwei verschiedene Anwendungen.
authorize-must-post = Die Autorisierungsanfrage muss als Formular per POST gesendet werden.
authorize-unknown-client = Diese Anwendung ist hier nicht bekannt.
authorize-no-client-id = Die Anfrage nennt nicht, welche Anwendung anfragt (client_id).
authorize-unknown-application = Die Anwendung, bei der Sie sich anmelden möchten, ist hier nicht bekannt.
authorize-no-redirect-uri = Die Anfrage enthält keine redirect_uri.
authorize-unregistered-redirect = Die redirect_uri ist für diese Anwendung nicht registriert, daher leitet { $product } Sie nicht dorthin weiter.
logout-must-post = Die Abmeldeanfrage muss als Formular per POST gesendet werden.
logout-stale = Dieses Abmeldeformular ist nicht mehr gültig. Bitte gehen Sie zurück und versuchen Sie es erneut.
logout-bad-hint = Der id_token_hint ist kein von { $product } ausgestelltes ID-Token.
logout-client-mismatch = Die client_id passt nicht zum id_token_hint.
logout-unknown-application = Die Anwendung, die Sie abmelden möchte, ist hier nicht bekannt.
logout-unregistered-redirect = Die post_logout_redirect_uri ist für diese Anwendung nicht registriert, daher leitet { $product } Sie nicht dorthin weiter.
account-wrong-password = Ihr Passwort ist nicht richtig.
account-password-locked = Zu viele falsche Passwörter nacheinander. Bitte versuchen Sie es nach { $until } erneut.
account-name-invalid = Bitte geben Sie einen Vornamen mit 1 bis 100 Zeichen und einen Nachnamen mit höchstens 100 Zeichen an.
account-session-unknown = Diese Sitzung gehört nicht Ihnen oder ist bereits beendet.
account-phone-needed = Die Bestätigung in zwei Schritten braucht Ihre Mobilnummer, daher kann sie nicht entfernt werden.
account-form-stale = Dieses Formular ist nicht mehr gültig. Bitte laden Sie die Seite neu und versuchen Sie es erneut.
account-sign-in-first = Bitte melden Sie sich zuerst an.
page-stale = Diese Seite ist nicht mehr aktuell. Bitte laden Sie sie neu und versuchen Sie es erneut.
account-sign-in-incomplete = Die Anmeldung bei Ihrem Konto wurde nicht abgeschlossen.
account-password-changed = Ihr Passwort wurde geändert.
account-passwords-differ = Die beiden neuen Passwörter stimmen nicht überein.
account-recovery-needs-phone = Wiederherstellungscodes ersetzen SMS-Codes: Fügen Sie zuerst eine Mobilnummer hinzu.
passkey-sign-in-again = Um einen Passkey hinzuzufügen, melden Sie sich bitte zuerst erneut an.
passkey-name-missing = Bitte geben Sie dem Passkey einen Namen.
passkey-unknown = Dieser Passkey gehört nicht Ihnen oder wurde entfernt.
passkey-removed = Der Passkey wurde entfernt.
passkey-already = Sie haben bereits einen Passkey. Weitere können Sie auf Ihrer Kontoseite hinzufügen.
passkey-too-many = Zu viele Versuche. Bitte warten Sie eine Minute und versuchen Sie es dann erneut.
passkey-account-cannot = Mit diesem Konto ist keine Anmeldung möglich.
login-failed = E-Mail-Adresse oder Passwort ist nicht richtig.
recovery-code-wrong = Dieser Wiederherstellungscode ist nicht richtig oder wurde bereits verwendet.
terms-tick = Bitte setzen Sie das Häkchen, um zuzustimmen und fortzufahren.
verified-title = E-Mail-Adresse bestätigt
check-email = Sehen Sie in Ihr E-Mail-Postfach
verify-resend-limited = Sie haben bereits mehrere Links angefordert. Bitte verwenden Sie den neuesten in Ihrem Postfach oder versuchen Sie es später erneut.
signup-stale = Dieses Formular ist nicht mehr gültig. Bitte öffnen Sie Ihren Einladungslink erneut.
forgot-email-missing = Bitte geben Sie eine E-Mail-Adresse ein.
forgot-sent = Falls für diese Adresse ein Konto besteht, haben wir einen Link zum Wählen eines neuen Passworts dorthin gesendet. Der Link funktioniert nur kurze Zeit und nur einmal.
reset-passwords-differ = Die beiden Passwörter stimmen nicht überein.
reset-done-title = Passwort geändert
verified-message = Vielen Dank. Sie können zur Anwendung zurückkehren und sich anmelden.
verify-resent = Wir haben einen neuen Bestätigungslink an { $email } gesendet. Öffnen Sie ihn und melden Sie sich dann hier an.
reset-done-message = Ihr neues Passwort ist gesetzt und Sie wurden überall abgemeldet. Kehren Sie zur Anwendung zurück, um sich anzumelden.
scope-openid = Wissen, wer Sie sind
scope-profile = Ihren Namen sehen
scope-email = Ihre E-Mail-Adresse sehen
scope-phone = Ihre Telefonnummer sehen
scope-offline-access = Zugriff behalten, während Sie nicht da sind
scope-careid = Ihre Rolle und Ihr Versorgungsprogramm sehen
scope-careid-invite = In Ihrem Namen Einladungen senden
scope-careid-admin = Die Anmelderegeln Ihres Versorgungsprogramms ändern und die Bestätigung in zwei Schritten von Mitgliedern zurücksetzen
scope-other = Weiterer Zugriff
password-too-short = Ihr Passwort muss mindestens { $min } Zeichen lang sein.
password-too-long = Ihr Passwort darf höchstens { $max } Zeichen lang sein.
password-common = Dieses Passwort gehört zu den am häufigsten verwendeten. Bitte wählen Sie ein anderes.
password-context-words = Bitte bilden Sie Ihr Passwort nicht aus Ihrem Namen, Ihrer E-Mail-Adresse oder dem Namen dieses Dienstes: Ohne diese Teile ist es zu kurz.
password-weak = Dieses Passwort ist zu leicht zu erraten. Versuchen Sie einen längeren Satz aus Wörtern, die nichts miteinander zu tun haben.

## Texte des Passkey-Skripts (vom Layout mitgegeben)
passkey-js-timed-out = Die Passkey-Anfrage hat zu lange gedauert.
passkey-js-cancelled = Die Passkey-Anfrage wurde abgebrochen.
passkey-js-already = Dieses Gerät hat bereits einen Passkey für Ihr Konto.
passkey-js-unsupported = Dieser Browser oder dieses Gerät kann hier keine Passkeys verwenden.
passkey-js-unreachable = { $product } ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.
passkey-js-failed = Der Passkey konnte nicht verwendet werden.
passkey-js-no-platform = Dieses Gerät unterstützt keine integrierten Passkeys (Fingerabdruck, Gesichtserkennung oder Bildschirmsperre). Sie können aber ein Telefon oder einen Sicherheitsschlüssel verwenden.

## Wege, die dort enden, wo man sie erwartet, und Seiten, die sagen, wie es weitergeht
signup-leads-to = Sobald Ihr Konto eingerichtet ist, geht es weiter zu { $client }.
signup-accept-disclaimer = Ich habe den obigen Hinweis gelesen und akzeptiere ihn.
app-open-named = { $client } öffnen
continue-to = Weiter zu { $client }
email-invitation-leads-to = Sobald Ihr Konto eingerichtet ist, werden Sie bei { $client } angemeldet.
email-verify-then = Danach geht es hier weiter zu { $client }:
verified-message-client = Vielen Dank. Sie können jetzt mit { $client } weitermachen.
verified-already-title = Ihre E-Mail-Adresse ist bereits bestätigt
verified-already-message = Dieser Link wurde schon verwendet, und Ihre Adresse ist bestätigt. Sie müssen nichts weiter tun.
account-verify-resend = Bestätigungs-E-Mail erneut senden
account-verify-resent = Wir haben einen neuen Bestätigungslink an { $email } gesendet. Er gilt bis { $until }.
account-verify-deadline = Bitte bestätigen Sie sie bis { $until }.
sms-code-void-page = Dieser Code funktioniert nicht mehr. Fordern Sie einen neuen Code an und geben Sie ihn hier ein.
sms-send-new = Neuen Code senden
sms-locked-until = Zu viele falsche Codes. Die Bestätigung in zwei Schritten ist bis { $until } gesperrt.
invitation-closed-expired = Diese Einladung ist abgelaufen
invitation-closed-revoked = Diese Einladung wurde zurückgezogen
invitation-closed-ask = Bitte wenden Sie sich für eine neue Einladung an { $inviter }:
invitation-closed-ask-support = Bitte bitten Sie Ihr Behandlungsteam um eine neue Einladung.
start-unknown-title = Anwendung nicht gefunden
start-unknown-message = Dieser Link führt zu keiner Anwendung, die { $product } kennt. Bitte öffnen Sie Ihre Anwendung direkt.

## Hinweise zu einem neuen Passwort (die von zxcvbn, in eigenen Worten)
password-tip-straight-rows = Gerade Tastenreihen sind leicht zu erraten.
password-tip-short-keyboard-patterns = Kurze Tastaturmuster sind leicht zu erraten.
password-tip-repeats-aaa = Wiederholungen wie „aaa“ sind leicht zu erraten.
password-tip-repeats-abcabc = Wiederholungen wie „abcabc“ sind kaum schwerer zu erraten als „abc“.
password-tip-top-10 = Dies ist eines der zehn häufigsten Passwörter.
password-tip-top-100 = Dies ist eines der hundert häufigsten Passwörter.
password-tip-common = Dies ist ein sehr häufiges Passwort.
password-tip-similar-to-common = Dies ähnelt einem häufig verwendeten Passwort.
password-tip-sequences = Folgen wie „abc“ oder „6543“ sind leicht zu erraten.
password-tip-recent-years = Jahreszahlen der letzten Jahre sind leicht zu erraten.
password-tip-single-word = Ein einzelnes Wort ist leicht zu erraten.
password-tip-dates = Datumsangaben sind oft leicht zu erraten.
password-tip-names-alone = Vor- und Nachnamen allein sind leicht zu erraten.
password-tip-common-names = Häufige Vor- und Nachnamen sind leicht zu erraten.
password-tip-use-a-few-words = Verwenden Sie mehrere Wörter und vermeiden Sie gängige Redewendungen.
password-tip-no-need-for-symbols = Sonderzeichen, Ziffern oder Großbuchstaben sind nicht nötig.
password-tip-add-a-word = Fügen Sie ein oder zwei Wörter hinzu. Ungewöhnliche Wörter sind besser.
password-tip-capitals = Großbuchstaben helfen wenig.
password-tip-all-uppercase = Nur Großbuchstaben sind fast so leicht zu erraten wie nur Kleinbuchstaben.
password-tip-reversed = Rückwärts geschriebene Wörter sind kaum schwerer zu erraten.
password-tip-substitutions = Vorhersehbare Ersetzungen wie „@“ statt „a“ helfen wenig.
password-tip-longer-pattern = Verwenden Sie ein längeres Tastaturmuster mit mehr Richtungswechseln.
password-tip-avoid-repeats = Vermeiden Sie wiederholte Wörter und Zeichen.
password-tip-avoid-sequences = Vermeiden Sie Zeichenfolgen.
password-tip-avoid-recent-years = Vermeiden Sie Jahreszahlen der letzten Jahre.
password-tip-avoid-your-years = Vermeiden Sie Jahreszahlen, die mit Ihnen zu tun haben.
password-tip-avoid-your-dates = Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen zu tun haben.
