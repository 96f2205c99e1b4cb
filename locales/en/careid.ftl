## careid's words in English. Every page, email and text message comes from
## here; de and ar have the same keys. Keep the wording: tests match it.

## Shared
language-switcher = Language
close-window = You can close this window.
next = Next
confirm = Confirm
cancel = Cancel
back-to-account = Back to your account
app-open = Open the app
app-not-yet = Don't have the app yet?
field-email = Email address
field-password = Password
field-your-password = Your password
field-current-password = Current password
field-new-password = New password
field-new-password-again = New password again
field-first-name = First name
field-given-name = Given name
field-family-name = Family name
field-mobile = Mobile number, with country code
password-change = Change password
role-name = { $role ->
    [admin] admin
    [clinician] clinician
   *[patient] patient
}
last-used = last used { $at }
datetime = { $year }-{ $mm }-{ $dd } { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Sign-in
login-title = Sign in
login-continue-to = to continue to <strong>{ $client }</strong>
login-submit = Sign in
login-forgot = Forgot password?
login-passkey = Sign in with a passkey
login-passkey-fallback = Sign in with your password instead
consent-title = Allow access
consent-heading = Allow { $client }?
consent-intro = { $client } would like to:
consent-signed-in-as = Signed in as { $email }.
consent-allow = Allow
consent-deny = Deny
form-post-continue = Continue
form-post-noscript = JavaScript is off: press Continue to return to the application.
logged-out-title = Signed out
logged-out-heading = You are signed out
still-signed-in-title = Still signed in
still-signed-in-heading = You are still signed in
logout-title = Sign out
logout-heading = Sign out?
logout-asked-by = { $client } asked to sign you out.
logout-stay = Stay signed in
terms-title = Before you start
terms-read = Please read the <a href="{ $terms_url }" rel="noopener">terms of use</a> (version { $version }).
terms-read-privacy = Please read the <a href="{ $terms_url }" rel="noopener">terms of use</a> (version { $version }) and the <a href="{ $privacy_url }" rel="noopener">privacy notice</a>.
terms-accept = I have read and accept these
terms-start = Start using { $client }

## Codes by text message
sms-title = 2 Step Verification
sms-sent = We sent a 6-digit code by text message to <strong>{ $phone }</strong>. It works for 5 minutes.
sms-field = Verification code
sms-resend = Send a new code
sms-lost-phone = Lost your phone? Use a recovery code
phone-title = Add your mobile number
phone-body = Signing in needs a code sent to your mobile phone by text message.
phone-confirm-title = Confirm your new number
phone-confirm-to-turn-off = Enter it to turn two-step verification off.
recovery-title = Use a recovery code
recovery-body = Enter one of the recovery codes you saved when you turned on two-step verification. Each code works once.
recovery-field = Recovery code
recovery-use-sms = Use a text-message code instead
recovery-codes-title = Save your recovery codes
recovery-codes-body = If you lose your phone, each of these codes signs you in once in place of a text-message code. Keep them somewhere safe, such as a password manager or a printed copy. They are shown only now.
recovery-codes-saved = I have saved them, continue

## Passkeys
passkey-confirm-title = Confirm it’s you
passkey-confirm-body = Use your passkey: the fingerprint, face or screen lock of your device.
passkey-confirm-use = Use your passkey
passkey-confirm-unsupported = This browser cannot use passkeys.
passkey-confirm-noscript = Using a passkey needs JavaScript in this browser.
passkey-use-sms = Get a code by text message instead
passkey-start-again = Start signing in again
passkey-add = Add a passkey
passkey-register-body = Your organisation asks you to sign in with a passkey. Your fingerprint, face or screen lock unlocks it, there is nothing to remember, and it cannot be used on any other website.
passkey-register-name = A name for it (optional)
passkey-name-placeholder = My phone
passkey-register-unsupported = This browser cannot create passkeys. Please use another browser or your phone.
passkey-add-noscript = Adding a passkey needs JavaScript in this browser.

## Password reset
forgot-title = Reset your password
forgot-body = Enter the email address of your account and we will send you a link to choose a new password.
forgot-submit = Send link
forgot-back = Back to sign in
reset-title = Choose a new password
reset-signs-out = Changing your password signs you out everywhere.

## Invitations, sign-up and email verification
invitation-closed-title = Invitation not available
invitation-closed-heading = This invitation cannot be used
invitation-closed-body = Invitation links work once and for a limited time. Please ask the person who invited you to send a new invitation.
invitation-closed-existing = If you already created your account, sign in from your application.
signup-title = Create your account
signup-invited = { $inviter } invited you to <strong>{ $deployment }</strong> as { $role ->
    [admin] an administrator
    [clinician] a clinician
   *[patient] a patient
}.
signup-strength = Password strength
signup-strength-score = { $score } of 4
signup-password-hint = At least { $min } characters. A phrase of a few unrelated words is strong and easy to remember.
signup-accept-terms = I accept the <a href="{ $terms_url }" target="_blank" rel="noopener">terms of use</a>.
signup-accept-terms-privacy = I accept the <a href="{ $terms_url }" target="_blank" rel="noopener">terms of use</a> and have read the <a href="{ $privacy_url }" target="_blank" rel="noopener">privacy notice</a>.
signup-submit = Create account
signup-done-title = Your account is ready
signup-done-member = You are now a member of { $deployment }. Continue in the app:
signup-done-manage = Manage your account in the browser
verify-title = Verify your email address
verify-body = Confirm that this email address is yours.
verify-submit = Verify email
verify-required-title = Email address not verified
verify-required-heading = Your email address was not verified in time
verify-required-body = To keep your account safe, you need to verify <strong>{ $email }</strong> before you can sign in. We can send you a new verification link.
verify-required-resend = Send a new link
verify-required-then = Once you have verified your address, <a href="{ $href }">sign in again</a>.

## Account
account-title = Your account
account-not-verified = (not verified yet)
account-app = The app
account-app-not-yet = don't have it yet?
account-language = Language
account-language-label = Language of pages, emails and text messages
account-language-save = Save language
account-name = Name
account-name-save = Save name
two-step-title = Two-step verification
two-step-on = On
two-step-off = Off
two-step-codes-go-to = codes go to { $phone }
two-step-required = Your organisation requires two-step verification, so it cannot be turned off.
two-step-password-to-turn-off = Your password, to turn it off
two-step-turn-off = Turn off two-step verification
two-step-turn-on = Turn on two-step verification
recovery-codes = Recovery codes
recovery-codes-left = { $left } of { $issued } codes unused
recovery-codes-none = None yet
recovery-codes-password = Your password, to make a new set (the old codes stop working)
recovery-codes-new = Make new recovery codes
mobile-title = Mobile number
mobile-new = New mobile number, with country code
mobile-send-code = Send a code to this number
mobile-password-to-remove = Your password, to remove { $phone }
mobile-remove = Remove the number
passkeys-title = Biometric login
passkeys-intro = A passkey signs you in with your fingerprint, face or screen lock instead of a password and a code.
passkey-added = added { $at }
passkey-not-used = not used yet
passkey-new-name = New name
passkey-rename = Rename
passkey-remove = Remove
passkeys-none = You have no passkey yet.
passkeys-required = Your organisation requires a passkey: add another before removing your last one.
passkey-name-optional = A name for the new passkey (optional)
passkeys-unavailable = Passkeys are not available on this server.
sessions-title = Where you are signed in
session-signed-in = Signed in { $at }
session-this-browser = this browser
sessions-end-others = Sign out everywhere else
accepted-title = What you accepted
accepted-item = { $document } version { $version }, on { $at }

## Errors
error-code = Reference for support:
support-questions = Questions? Contact { $product } support:
error-retry-after = { $seconds ->
    [one] Try again in { $seconds } second.
   *[other] Try again in { $seconds } seconds.
}
error-unknown-language = { $product } does not speak this language.
error-bad-request-title = Something is wrong with this request
error-expired-title = This sign-in has expired
error-expired-message = Please go back to the application and start again.
error-too-many-title = Too many attempts
error-too-many-message = Please wait a moment and try again.
error-link-title = This link cannot be used
error-link-message = It may have expired or been used already. You can ask for a new one.
error-stale-form = This form is stale. Please go back and try again.
error-unavailable-title = Temporarily unavailable
error-unavailable-message = { $product } cannot complete this right now. Please try again shortly.
error-unreadable-form = The form could not be read.
error-cross-site-title = This form came from another site
error-cross-site-message = { $product } only accepts forms sent from its own pages. Please go back to the application and start again.

## Text-message codes (pages and the message itself)
sms-code-text = Your { $product } verification code is { $code }. It expires in 5 minutes.
sms-code-wrong = That code is not right. You have { $remaining ->
    [one] { $remaining } more try.
   *[other] { $remaining } more tries.
}
sms-code-void = This code can no longer be used. Please go back and ask for a new one.
sms-too-soon = A code was just sent. You can ask for another in { $seconds ->
    [one] { $seconds } second.
   *[other] { $seconds } seconds.
}
sms-limited = Too many codes were asked for. Please try again in { $minutes ->
    [one] { $minutes } minute.
   *[other] { $minutes } minutes.
}
sms-not-sent-title = The text message could not be sent
sms-not-sent-message = Please go back and try again in a moment.

## Emails (the first line of a text part is the subject)
email-hello = Hello { $name },
email-hello-plain = Hello,
email-button-fallback = If the button does not work, copy this address into your browser:
email-get-app = Then get the app:
email-invitation-subject = { $inviter } invited you to { $deployment }
email-invitation-title = Your invitation to { $deployment }
email-invitation-heading = You are invited to { $deployment }
email-invitation-body = { $inviter } invited you to join { $deployment } on { $product } as { $role ->
    [admin] an administrator
    [clinician] a clinician
   *[patient] a patient
}.
email-invitation-button-once = The button works once, for { $days } days. If it does not open, copy this address into your browser:
email-invitation-link-once = Create your account here (the link works once, for { $days } days):
email-invitation-unexpected = If you did not expect this invitation, you can ignore this email.
email-verify-confirm = Please confirm that this is your email address.
email-verify-open-link = Please confirm that this is your email address by opening this link:
email-verify-deadline = The link works for { $hours } hours. If you do not verify your address in time, your account will be blocked until you do.
email-verify-not-you = If you did not create an account, you can ignore this email.
email-reminder-subject = Reminder: verify your email address
email-reminder-body-html = You have not verified your email address yet. Please do so within { $hours } hours, or your account will be blocked until you do.
email-reminder-body-text = You have not verified your email address yet. Please open this link within { $hours } hours, or your account will be blocked until you do:
email-reset-body-html = Someone asked to reset the password of your account. To choose a new password, use this link within { $minutes } minutes.
email-reset-body-text = Someone asked to reset the password of your account. To choose a new password, open this link within { $minutes } minutes:
email-reset-not-you = If it was not you, ignore this email: your password stays the same.
email-locked-subject = Too many wrong passwords for your account
email-locked-body = Someone typed a wrong password for your account { $failures } times in a row, so signing in with a password is paused until { $until }. Browsers where you are already signed in keep working.
email-locked-advice-html = If it was you, wait until then and try again, or choose a new password with “Forgot password?” on the sign-in page. If it was not, someone may be guessing your password: choose a new one on <a href="{ $account }">your account page</a> once you can sign in, and contact your healthcare provider.
email-locked-advice-text = If it was you, wait until then and try again, or choose a new password with "Forgot password?" on the sign-in page. If it was not, someone may be guessing your password: choose a new one on your account page ({ $account }) once you can sign in, and contact your healthcare provider.
email-recovery-used-subject = A recovery code was used to sign in
email-recovery-used-body = A recovery code was just used to sign in to your account instead of a text-message code. You have { $left } unused recovery codes left.
email-recovery-used-new-html = If it was you, you can make a new set of codes on <a href="{ $account }">your account page</a>.
email-recovery-used-new-text = If it was you, you can make a new set of codes on your account page: { $account }
email-recovery-used-not-you = If it was not you, someone knows your password and one of your recovery codes: change your password now and contact your healthcare provider.
email-changed-subject = Your sign-in settings changed
email-changed-advice-html = If it was you, there is nothing to do. If it was not, someone may have your password: change it now on <a href="{ $account }">your account page</a> and contact your healthcare provider.
email-changed-advice-text = If it was you, there is nothing to do. If it was not, someone may have your password: change it now on your account page ({ $account }) and contact your healthcare provider.
changed-passkey-added = A passkey named "{ $name }" was added to your account.
changed-passkey-removed = A passkey was removed from your account.
changed-password = Your password was changed. Every other browser and app signed in to your account was signed out.
changed-phone = Codes for signing in now go to the mobile number { $phone }.
changed-phone-removed = The mobile number was removed from your account.
changed-two-step-on = Two-step verification was turned on for your account: signing in now asks for a code too.
changed-two-step-off = Two-step verification was turned off for your account.
changed-recovery-codes = A new set of recovery codes was made for your account; the earlier codes no longer work.
changed-factors-reset = Your mobile number, recovery codes and passkeys were removed by { $by ->
    [administrator] an administrator of your care programme
   *[operator] the service operator
}, and you were signed out. Where your organisation requires them you will set them up again at your next sign-in.
signup-error-email = Please enter a valid email address.
signup-error-terms = Please accept the terms of use to continue.
signup-error-email-taken = This email address cannot be used for a new account. If you already have one, sign in instead.
signup-error-given-name = Please enter your given name (at most { $max } characters).
signup-error-family-name = Please enter your family name (at most { $max } characters).

## Messages handlers write
authorize-two-clients = The request names two different applications.
authorize-must-post = The authorization request must be a form POST.
authorize-unknown-client = The application is not known here.
authorize-no-client-id = The request does not say which application is asking (client_id).
authorize-unknown-application = The application asking to sign you in is not known here.
authorize-no-redirect-uri = The request has no redirect_uri.
authorize-unregistered-redirect = The redirect_uri is not registered for this application, so { $product } will not send you there.
logout-must-post = The logout request must be a form POST.
logout-stale = This sign-out form is stale. Please go back and try again.
logout-bad-hint = The id_token_hint is not an ID token { $product } issued.
logout-client-mismatch = The client_id does not match the id_token_hint.
logout-unknown-application = The application asking to sign you out is not known here.
logout-unregistered-redirect = The post_logout_redirect_uri is not registered for this application, so { $product } will not send you there.
account-wrong-password = Your password is not right.
account-password-locked = Too many wrong passwords in a row. Please try again after { $until }.
account-name-invalid = Please give a first name of 1 to 100 characters and a family name of at most 100.
account-session-unknown = That session is not one of yours, or it has ended.
account-phone-needed = Two-step verification needs your mobile number, so it cannot be removed.
account-form-stale = This form is stale. Please reload the page and try again.
account-sign-in-first = Please sign in first.
page-stale = This page is stale. Please reload it and try again.
account-sign-in-incomplete = Signing in to your account did not complete.
account-password-changed = Your password is changed.
account-passwords-differ = The two new passwords differ.
account-recovery-needs-phone = Recovery codes stand in for text-message codes: add a mobile number first.
passkey-sign-in-again = To add a passkey, please sign in again first.
passkey-name-missing = Please give the passkey a name.
passkey-unknown = That passkey is not one of yours, or it was removed.
passkey-removed = The passkey is removed.
passkey-already = You already have a passkey. Add more from your account page.
passkey-too-many = Too many attempts. Please wait a minute and try again.
passkey-account-cannot = This account cannot sign in.
login-failed = The email address or password is not right.
recovery-code-wrong = That recovery code is not right, or it has been used already.
terms-tick = Please tick the box to accept and continue.
verified-title = Email address verified
check-email = Check your email
verify-resend-limited = You have asked for several links already. Please use the newest one in your inbox, or try again later.
signup-stale = This form is stale. Please open your invitation link again.
forgot-email-missing = Please enter an email address.
forgot-sent = If an account exists for this address, we sent it a link to choose a new password. The link works for a short time and only once.
reset-passwords-differ = The two passwords differ.
reset-done-title = Password changed
verified-message = Thank you. You can go back to the application and sign in.
verify-resent = We sent a new verification link to { $email }. Open it, then come back and sign in.
reset-done-message = Your new password is set and you are signed out everywhere. Go back to the application to sign in.
scope-openid = Know who you are
scope-profile = See your name
scope-email = See your email address
scope-phone = See your phone number
scope-offline-access = Keep access while you are away
scope-careid = See your role and care programme
scope-careid-invite = Send invitations on your behalf
scope-careid-admin = Change your care programme's sign-in policy and reset members' two-step verification
scope-other = Other access
password-too-short = Your password needs at least { $min } characters.
password-too-long = Your password can have at most { $max } characters.
password-common = This password is one of the most commonly used passwords. Please choose another.
password-context-words = Please don't build your password from your name, your email address or the name of this service: without them it is too short.
password-weak = This password is too easy to guess. Try a longer phrase of unrelated words.

## The passkey script's words (carried by the layout)
passkey-js-timed-out = The passkey request timed out.
passkey-js-cancelled = The passkey request was cancelled.
passkey-js-already = This device already has a passkey for your account.
passkey-js-unsupported = This browser or device cannot use passkeys here.
passkey-js-unreachable = { $product } could not be reached. Check your connection and try again.
passkey-js-failed = The passkey could not be used.
passkey-js-no-platform = This device has no built-in passkey support (fingerprint, face or screen lock). You can still use a phone or a security key.

## Journeys that end where people expect, and pages that say what to do next
signup-leads-to = Once your account is ready, you will continue to { $client }.
signup-accept-disclaimer = I have read the notice above and accept it.
app-open-named = Open { $client }
continue-to = Continue to { $client }
email-invitation-leads-to = Once your account is ready, you will be signed in to { $client }.
email-verify-then = Then continue to { $client }:
verified-message-client = Thank you. You can now continue to { $client }.
verified-already-title = Your email address is already verified
verified-already-message = This link was used before, and your address is confirmed. There is nothing more to do.
account-verify-resend = Send the verification email again
account-verify-resent = We sent a new verification link to { $email }. It works until { $until }.
account-verify-deadline = Please verify it by { $until }.
sms-code-void-page = That code no longer works. Send a new code and enter it here.
sms-send-new = Send a new code
sms-locked-until = Too many wrong codes. Two-step verification is locked until { $until }.
invitation-closed-expired = This invitation has expired
invitation-closed-revoked = This invitation was withdrawn
invitation-closed-ask = Please ask { $inviter } for a new invitation:
invitation-closed-ask-support = Please ask your care team for a new invitation.
start-unknown-title = Application not found
start-unknown-message = This link does not lead to an application { $product } knows. Please open your application directly.

## Advice on a new password (zxcvbn's, in words of our own)
password-tip-straight-rows = Straight rows of keys are easy to guess.
password-tip-short-keyboard-patterns = Short keyboard patterns are easy to guess.
password-tip-repeats-aaa = Repeats like "aaa" are easy to guess.
password-tip-repeats-abcabc = Repeats like "abcabc" are only slightly harder to guess than "abc".
password-tip-top-10 = This is one of the ten most common passwords.
password-tip-top-100 = This is one of the hundred most common passwords.
password-tip-common = This is a very common password.
password-tip-similar-to-common = This is similar to a commonly used password.
password-tip-sequences = Sequences like "abc" or "6543" are easy to guess.
password-tip-recent-years = Recent years are easy to guess.
password-tip-single-word = A word by itself is easy to guess.
password-tip-dates = Dates are often easy to guess.
password-tip-names-alone = Names and surnames by themselves are easy to guess.
password-tip-common-names = Common names and surnames are easy to guess.
password-tip-use-a-few-words = Use a few words, and avoid common phrases.
password-tip-no-need-for-symbols = There is no need for symbols, digits or capital letters.
password-tip-add-a-word = Add another word or two. Uncommon words are better.
password-tip-capitals = Capital letters do not help very much.
password-tip-all-uppercase = All capitals are almost as easy to guess as all small letters.
password-tip-reversed = Words spelt backwards are not much harder to guess.
password-tip-substitutions = Predictable substitutions like "@" for "a" do not help very much.
password-tip-longer-pattern = Use a longer keyboard pattern with more turns.
password-tip-avoid-repeats = Avoid repeated words and characters.
password-tip-avoid-sequences = Avoid sequences.
password-tip-avoid-recent-years = Avoid recent years.
password-tip-avoid-your-years = Avoid years that are associated with you.
password-tip-avoid-your-dates = Avoid dates and years that are associated with you.
