## careid بالعربية الفصحى. المفاتيح نفسها كما في en.

## مشترك
language-switcher = اللغة
close-window = يمكنك إغلاق هذه النافذة الآن.
next = التالي
confirm = تأكيد
cancel = إلغاء
back-to-account = العودة إلى حسابك
app-open = فتح التطبيق
app-not-yet = ليس لديك التطبيق بعد؟
field-email = البريد الإلكتروني
field-password = كلمة المرور
field-your-password = كلمة المرور الخاصة بك
field-current-password = كلمة المرور الحالية
field-new-password = كلمة المرور الجديدة
field-new-password-again = أعد كتابة كلمة المرور الجديدة
field-first-name = الاسم الأول
field-given-name = الاسم الأول
field-family-name = اسم العائلة
field-mobile = رقم الهاتف المحمول مع رمز الدولة
password-change = تغيير كلمة المرور
role-name = { $role ->
    [admin] مسؤول
    [clinician] مختص رعاية صحية
   *[patient] مريض
}
last-used = آخر استخدام في { $at }
datetime = { $day } { $month } { $year }، الساعة { $time } بالتوقيت العالمي
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر

## تسجيل الدخول
login-title = تسجيل الدخول
login-continue-to = للمتابعة إلى <strong>{ $client }</strong>
login-submit = تسجيل الدخول
login-forgot = هل نسيت كلمة المرور؟
login-passkey = تسجيل الدخول بمفتاح المرور
login-passkey-fallback = تسجيل الدخول بكلمة المرور بدلًا من ذلك
consent-title = السماح بالوصول
consent-heading = هل تسمح لـ { $client }؟
consent-intro = يطلب { $client } ما يلي:
consent-signed-in-as = مسجَّل الدخول باسم <bdi>{ $email }</bdi>.
consent-allow = سماح
consent-deny = رفض
form-post-continue = متابعة
form-post-noscript = جافاسكربت معطَّلة: اضغط «متابعة» للعودة إلى التطبيق.
logged-out-title = تم تسجيل الخروج
logged-out-heading = لقد سجَّلت الخروج
still-signed-in-title = ما زلت مسجَّل الدخول
still-signed-in-heading = ما زلت مسجَّل الدخول
logout-title = تسجيل الخروج
logout-heading = هل تريد تسجيل الخروج؟
logout-asked-by = طلب { $client } تسجيل خروجك.
logout-stay = البقاء مسجَّل الدخول
terms-title = قبل أن تبدأ
terms-read = يُرجى قراءة <a href="{ $terms_url }" rel="noopener">شروط الاستخدام</a> (الإصدار <bdi>{ $version }</bdi>).
terms-read-privacy = يُرجى قراءة <a href="{ $terms_url }" rel="noopener">شروط الاستخدام</a> (الإصدار <bdi>{ $version }</bdi>) و<a href="{ $privacy_url }" rel="noopener">إشعار الخصوصية</a>.
terms-accept = قرأتُ ما سبق وأوافق عليه
terms-start = ابدأ باستخدام { $client }

## الرموز عبر الرسائل النصية
sms-title = التحقق بخطوتين
sms-sent = أرسلنا رمزًا من 6 أرقام في رسالة نصية إلى <strong dir="ltr">{ $phone }</strong>. يبقى صالحًا لمدة 5 دقائق.
sms-field = رمز التحقق
sms-resend = إرسال رمز جديد
sms-lost-phone = فقدت هاتفك؟ استخدم رمز استرداد
phone-title = أضف رقم هاتفك المحمول
phone-body = يتطلب تسجيل الدخول رمزًا يُرسَل إلى هاتفك المحمول في رسالة نصية.
phone-confirm-title = أكِّد رقمك الجديد
phone-confirm-to-turn-off = أدخِله لإيقاف التحقق بخطوتين.
recovery-title = استخدام رمز استرداد
recovery-body = أدخِل أحد رموز الاسترداد التي حفظتها عند تفعيل التحقق بخطوتين. يصلح كل رمز لمرة واحدة فقط.
recovery-field = رمز الاسترداد
recovery-use-sms = استخدام رمز عبر رسالة نصية بدلًا من ذلك
recovery-codes-title = احفظ رموز الاسترداد
recovery-codes-body = إذا فقدت هاتفك، فإن كل رمز من هذه الرموز يتيح لك تسجيل الدخول مرة واحدة بدلًا من رمز الرسالة النصية. احتفظ بها في مكان آمن، مثل مدير كلمات المرور أو نسخة مطبوعة. لن تظهر إلا الآن.
recovery-codes-saved = حفظتُها، متابعة

## مفاتيح المرور
passkey-confirm-title = أكِّد هويتك
passkey-confirm-body = استخدم مفتاح المرور: بصمة الإصبع أو الوجه أو قفل الشاشة في جهازك.
passkey-confirm-use = استخدام مفتاح المرور
passkey-confirm-unsupported = لا يدعم هذا المتصفح مفاتيح المرور.
passkey-confirm-noscript = يتطلب استخدام مفتاح المرور تفعيل جافاسكربت في هذا المتصفح.
passkey-use-sms = الحصول على رمز برسالة نصية بدلًا من ذلك
passkey-start-again = بدء تسجيل الدخول من جديد
passkey-add = إضافة مفتاح مرور
passkey-register-body = تطلب منك مؤسستك تسجيل الدخول بمفتاح مرور. تفتحه بصمة إصبعك أو وجهك أو قفل الشاشة، فلا حاجة إلى تذكُّر أي شيء، ولا يمكن استخدامه على أي موقع آخر.
passkey-register-name = اسم له (اختياري)
passkey-name-placeholder = هاتفي
passkey-register-unsupported = لا يستطيع هذا المتصفح إنشاء مفاتيح مرور. يُرجى استخدام متصفح آخر أو هاتفك.
passkey-add-noscript = تتطلب إضافة مفتاح مرور تفعيل جافاسكربت في هذا المتصفح.

## إعادة تعيين كلمة المرور
forgot-title = إعادة تعيين كلمة المرور
forgot-body = أدخِل البريد الإلكتروني المسجَّل في حسابك، وسنرسل إليك رابطًا لاختيار كلمة مرور جديدة.
forgot-submit = إرسال الرابط
forgot-back = العودة إلى تسجيل الدخول
reset-title = اختر كلمة مرور جديدة
reset-signs-out = تغيير كلمة المرور يُخرجك من جميع الأجهزة.

## الدعوات وإنشاء الحساب والتحقق من البريد الإلكتروني
invitation-closed-title = الدعوة غير متاحة
invitation-closed-heading = لا يمكن استخدام هذه الدعوة
invitation-closed-body = تعمل روابط الدعوة مرة واحدة ولمدة محدودة. يُرجى أن تطلب من الشخص الذي دعاك إرسال دعوة جديدة.
invitation-closed-existing = إذا كنت قد أنشأت حسابك من قبل، فسجِّل الدخول من تطبيقك.
signup-title = أنشئ حسابك
signup-invited = دعاك { $inviter } إلى الانضمام إلى <strong>{ $deployment }</strong> { $role ->
    [admin] بصفة مسؤول
    [clinician] بصفة مختص رعاية صحية
   *[patient] بصفة مريض
}.
signup-strength = قوة كلمة المرور
signup-strength-score = { $score } من 4
signup-password-hint = { $min } أحرف على الأقل. العبارة المكوَّنة من بضع كلمات لا رابط بينها قوية وسهلة التذكُّر.
signup-accept-terms = أوافق على <a href="{ $terms_url }" target="_blank" rel="noopener">شروط الاستخدام</a>.
signup-accept-terms-privacy = أوافق على <a href="{ $terms_url }" target="_blank" rel="noopener">شروط الاستخدام</a> وقد قرأتُ <a href="{ $privacy_url }" target="_blank" rel="noopener">إشعار الخصوصية</a>.
signup-submit = إنشاء الحساب
signup-done-title = حسابك جاهز
signup-done-member = أصبحت الآن عضوًا في { $deployment }. تابع في التطبيق:
signup-done-manage = إدارة حسابك في المتصفح
verify-title = تحقَّق من بريدك الإلكتروني
verify-body = أكِّد أن عنوان البريد الإلكتروني هذا يخصك.
verify-submit = تأكيد البريد الإلكتروني
verify-required-title = البريد الإلكتروني غير مؤكَّد
verify-required-heading = لم يتم تأكيد بريدك الإلكتروني في الوقت المحدد
verify-required-body = حفاظًا على أمان حسابك، عليك تأكيد <strong><bdi>{ $email }</bdi></strong> قبل أن تتمكن من تسجيل الدخول. يمكننا إرسال رابط تأكيد جديد إليك.
verify-required-resend = إرسال رابط جديد
verify-required-then = بعد تأكيد عنوانك، <a href="{ $href }">سجِّل الدخول مجددًا</a>.

## الحساب
account-title = حسابك
account-not-verified = (لم يُؤكَّد بعد)
account-app = التطبيق
account-app-not-yet = ليس لديك بعد؟
account-language = اللغة
account-language-label = لغة الصفحات والرسائل الإلكترونية والرسائل النصية
account-language-save = حفظ اللغة
account-name = الاسم
account-name-save = حفظ الاسم
two-step-title = التحقق بخطوتين
two-step-on = مفعَّل
two-step-off = غير مفعَّل
two-step-codes-go-to = تُرسَل الرموز إلى <bdi>{ $phone }</bdi>
two-step-required = تشترط مؤسستك التحقق بخطوتين، لذا لا يمكن إيقافه.
two-step-password-to-turn-off = كلمة المرور الخاصة بك لإيقافه
two-step-turn-off = إيقاف التحقق بخطوتين
two-step-turn-on = تفعيل التحقق بخطوتين
recovery-codes = رموز الاسترداد
recovery-codes-left = الرموز غير المستخدمة: { $left } من أصل { $issued }
recovery-codes-none = لا يوجد بعد
recovery-codes-password = كلمة المرور الخاصة بك لإنشاء مجموعة جديدة (تتوقف الرموز القديمة عن العمل)
recovery-codes-new = إنشاء رموز استرداد جديدة
mobile-title = رقم الهاتف المحمول
mobile-new = رقم الهاتف المحمول الجديد مع رمز الدولة
mobile-send-code = إرسال رمز إلى هذا الرقم
mobile-password-to-remove = كلمة المرور الخاصة بك لإزالة <bdi>{ $phone }</bdi>
mobile-remove = إزالة الرقم
passkeys-title = تسجيل الدخول بالقياسات الحيوية
passkeys-intro = يتيح لك مفتاح المرور تسجيل الدخول ببصمة الإصبع أو الوجه أو قفل الشاشة بدلًا من كلمة المرور والرمز.
passkey-added = أُضيف في { $at }
passkey-not-used = لم يُستخدَم بعد
passkey-new-name = الاسم الجديد
passkey-rename = إعادة التسمية
passkey-remove = إزالة
passkeys-none = ليس لديك مفتاح مرور بعد.
passkeys-required = تشترط مؤسستك مفتاح مرور: أضف مفتاحًا آخر قبل إزالة مفتاحك الأخير.
passkey-name-optional = اسم لمفتاح المرور الجديد (اختياري)
passkeys-unavailable = مفاتيح المرور غير متاحة على هذا الخادم.
sessions-title = الأماكن التي سجَّلت الدخول منها
session-signed-in = سُجِّل الدخول في { $at }
session-this-browser = هذا المتصفح
sessions-end-others = تسجيل الخروج من جميع الأماكن الأخرى
accepted-title = ما وافقت عليه
accepted-item = { $document }، الإصدار <bdi>{ $version }</bdi>، في { $at }

## الأخطاء
error-code = مرجع للدعم الفني:
support-questions = هل لديك أسئلة؟ تواصل مع فريق دعم { $product }:
error-retry-after = { $seconds ->
    [zero] حاول مجددًا الآن.
    [one] حاول مجددًا بعد ثانية واحدة.
    [two] حاول مجددًا بعد ثانيتين.
    [few] حاول مجددًا بعد { $seconds } ثوانٍ.
    [many] حاول مجددًا بعد { $seconds } ثانية.
   *[other] حاول مجددًا بعد { $seconds } ثانية.
}
error-unknown-language = لا يدعم { $product } هذه اللغة.
error-bad-request-title = هناك خطأ في هذا الطلب
error-expired-title = انتهت صلاحية عملية تسجيل الدخول هذه
error-expired-message = يُرجى العودة إلى التطبيق والبدء من جديد.
error-too-many-title = محاولات كثيرة جدًا
error-too-many-message = يُرجى الانتظار قليلًا ثم المحاولة مجددًا.
error-link-title = لا يمكن استخدام هذا الرابط
error-link-message = ربما انتهت صلاحيته أو سبق استخدامه. يمكنك طلب رابط جديد.
error-stale-form = لم يعد هذا النموذج صالحًا. يُرجى الرجوع والمحاولة مجددًا.
error-unavailable-title = الخدمة غير متاحة مؤقتًا
error-unavailable-message = يتعذّر على { $product } إتمام هذا الآن. يُرجى المحاولة مجددًا بعد قليل.
error-unreadable-form = تعذّرت قراءة النموذج.
error-cross-site-title = هذا النموذج مُرسَل من موقع آخر
error-cross-site-message = لا يقبل { $product } إلا النماذج المُرسَلة من صفحاته. يُرجى العودة إلى التطبيق والبدء من جديد.

## رموز الرسائل النصية (الصفحات والرسالة نفسها)
sms-code-text = رمز التحقق الخاص بك في { $product } هو { $code }. تنتهي صلاحيته بعد 5 دقائق.
sms-code-wrong = هذا الرمز غير صحيح. { $remaining ->
    [zero] لم تتبقَّ لديك أي محاولة.
    [one] تبقّت لديك محاولة واحدة.
    [two] تبقّت لديك محاولتان.
    [few] تبقّت لديك { $remaining } محاولات.
    [many] تبقّت لديك { $remaining } محاولة.
   *[other] تبقّت لديك { $remaining } محاولة.
}
sms-code-void = لم يعد بالإمكان استخدام هذا الرمز. يُرجى الرجوع وطلب رمز جديد.
sms-too-soon = أُرسِل رمز قبل لحظات. { $seconds ->
    [zero] يمكنك طلب رمز آخر الآن.
    [one] يمكنك طلب رمز آخر بعد ثانية واحدة.
    [two] يمكنك طلب رمز آخر بعد ثانيتين.
    [few] يمكنك طلب رمز آخر بعد { $seconds } ثوانٍ.
    [many] يمكنك طلب رمز آخر بعد { $seconds } ثانية.
   *[other] يمكنك طلب رمز آخر بعد { $seconds } ثانية.
}
sms-limited = طُلب عدد كبير جدًا من الرموز. { $minutes ->
    [zero] يُرجى المحاولة مجددًا الآن.
    [one] يُرجى المحاولة مجددًا بعد دقيقة واحدة.
    [two] يُرجى المحاولة مجددًا بعد دقيقتين.
    [few] يُرجى المحاولة مجددًا بعد { $minutes } دقائق.
    [many] يُرجى المحاولة مجددًا بعد { $minutes } دقيقة.
   *[other] يُرجى المحاولة مجددًا بعد { $minutes } دقيقة.
}
sms-not-sent-title = تعذّر إرسال الرسالة النصية
sms-not-sent-message = يُرجى الرجوع والمحاولة مجددًا بعد لحظات.

## الرسائل الإلكترونية (السطر الأول من الجزء النصي هو الموضوع)
email-hello = مرحبًا { $name }،
email-hello-plain = مرحبًا،
email-button-fallback = إذا لم يعمل الزر، فانسخ هذا العنوان والصقه في متصفحك:
email-get-app = ثم نزِّل التطبيق:
email-invitation-subject = دعاك { $inviter } إلى { $deployment }
email-invitation-title = دعوتك إلى { $deployment }
email-invitation-heading = أنت مدعو إلى { $deployment }
email-invitation-body = دعاك { $inviter } إلى الانضمام إلى { $deployment } على { $product } { $role ->
    [admin] بصفة مسؤول
    [clinician] بصفة مختص رعاية صحية
   *[patient] بصفة مريض
}.
email-invitation-button-once = يعمل الزر مرة واحدة { $days ->
    [one] خلال يوم واحد.
    [two] خلال يومين.
    [few] خلال { $days } أيام.
   *[other] خلال { $days } يومًا.
} إذا لم يُفتح، فانسخ هذا العنوان والصقه في متصفحك:
email-invitation-link-once = أنشئ حسابك من هنا (يعمل الرابط مرة واحدة { $days ->
    [one] خلال يوم واحد):
    [two] خلال يومين):
    [few] خلال { $days } أيام):
   *[other] خلال { $days } يومًا):
}
email-invitation-unexpected = إذا لم تكن تتوقع هذه الدعوة، فيمكنك تجاهل هذه الرسالة.
email-verify-confirm = يُرجى تأكيد أن هذا هو عنوان بريدك الإلكتروني.
email-verify-open-link = يُرجى تأكيد أن هذا هو عنوان بريدك الإلكتروني بفتح هذا الرابط:
email-verify-deadline = { $hours ->
    [one] يبقى الرابط صالحًا لمدة ساعة واحدة.
    [two] يبقى الرابط صالحًا لمدة ساعتين.
    [few] يبقى الرابط صالحًا لمدة { $hours } ساعات.
   *[other] يبقى الرابط صالحًا لمدة { $hours } ساعة.
} إذا لم تؤكد عنوانك في الوقت المحدد، فسيُوقَف حسابك إلى أن تؤكده.
email-verify-not-you = إذا لم تُنشئ حسابًا، فيمكنك تجاهل هذه الرسالة.
email-reminder-subject = تذكير: أكِّد عنوان بريدك الإلكتروني
email-reminder-body-html = لم تؤكد عنوان بريدك الإلكتروني بعد. يُرجى تأكيده { $hours ->
    [one] خلال ساعة واحدة
    [two] خلال ساعتين
    [few] خلال { $hours } ساعات
   *[other] خلال { $hours } ساعة
}، وإلا فسيُوقَف حسابك إلى أن تؤكده.
email-reminder-body-text = لم تؤكد عنوان بريدك الإلكتروني بعد. يُرجى فتح هذا الرابط { $hours ->
    [one] خلال ساعة واحدة
    [two] خلال ساعتين
    [few] خلال { $hours } ساعات
   *[other] خلال { $hours } ساعة
}، وإلا فسيُوقَف حسابك إلى أن تؤكده:
email-reset-body-html = طلب أحدهم إعادة تعيين كلمة المرور لحسابك. لاختيار كلمة مرور جديدة، استخدم هذا الرابط خلال { $minutes } دقيقة.
email-reset-body-text = طلب أحدهم إعادة تعيين كلمة المرور لحسابك. لاختيار كلمة مرور جديدة، افتح هذا الرابط خلال { $minutes } دقيقة:
email-reset-not-you = إذا لم تكن أنت من طلب ذلك، فتجاهل هذه الرسالة: ستبقى كلمة المرور كما هي.
email-locked-subject = أُدخلت كلمات مرور خاطئة كثيرة لحسابك
email-locked-body = أدخل أحدهم كلمة مرور خاطئة لحسابك { $failures } مرات متتالية، لذا أُوقف تسجيل الدخول بكلمة المرور حتى { $until }. تبقى المتصفحات التي سجَّلت الدخول منها بالفعل تعمل كالمعتاد.
email-locked-advice-html = إذا كنت أنت، فانتظر حتى ذلك الحين ثم حاول مجددًا، أو اختر كلمة مرور جديدة عبر «هل نسيت كلمة المرور؟» في صفحة تسجيل الدخول. وإن لم تكن أنت، فربما يحاول أحدهم تخمين كلمة مرورك: اختر كلمة جديدة من <a href="{ $account }">صفحة حسابك</a> حالما تتمكن من تسجيل الدخول، وتواصل مع مقدِّم الرعاية الصحية.
email-locked-advice-text = إذا كنت أنت، فانتظر حتى ذلك الحين ثم حاول مجددًا، أو اختر كلمة مرور جديدة عبر «هل نسيت كلمة المرور؟» في صفحة تسجيل الدخول. وإن لم تكن أنت، فربما يحاول أحدهم تخمين كلمة مرورك: اختر كلمة جديدة من صفحة حسابك ({ $account }) حالما تتمكن من تسجيل الدخول، وتواصل مع مقدِّم الرعاية الصحية.
email-recovery-used-subject = استُخدم رمز استرداد لتسجيل الدخول
email-recovery-used-body = استُخدم للتو رمز استرداد لتسجيل الدخول إلى حسابك بدلًا من رمز الرسالة النصية. الرموز المتبقية غير المستخدمة: { $left }.
email-recovery-used-new-html = إذا كنت أنت، فيمكنك إنشاء مجموعة جديدة من الرموز من <a href="{ $account }">صفحة حسابك</a>.
email-recovery-used-new-text = إذا كنت أنت، فيمكنك إنشاء مجموعة جديدة من الرموز من صفحة حسابك: { $account }
email-recovery-used-not-you = إن لم تكن أنت، فهناك من يعرف كلمة مرورك وأحد رموز الاسترداد الخاصة بك: غيِّر كلمة المرور الآن وتواصل مع مقدِّم الرعاية الصحية.
email-changed-subject = تغيَّرت إعدادات تسجيل الدخول الخاصة بك
email-changed-advice-html = إذا كنت أنت، فلا حاجة إلى فعل أي شيء. وإن لم تكن أنت، فربما يعرف أحدهم كلمة مرورك: غيِّرها الآن من <a href="{ $account }">صفحة حسابك</a> وتواصل مع مقدِّم الرعاية الصحية.
email-changed-advice-text = إذا كنت أنت، فلا حاجة إلى فعل أي شيء. وإن لم تكن أنت، فربما يعرف أحدهم كلمة مرورك: غيِّرها الآن من صفحة حسابك ({ $account }) وتواصل مع مقدِّم الرعاية الصحية.
changed-passkey-added = أُضيف إلى حسابك مفتاح مرور باسم «{ $name }».
changed-passkey-removed = أُزيل مفتاح مرور من حسابك.
changed-password = تغيّرت كلمة مرورك. وسُجِّل الخروج من جميع المتصفحات والتطبيقات الأخرى التي كانت مسجَّلة الدخول إلى حسابك.
changed-phone = تُرسَل رموز تسجيل الدخول الآن إلى رقم الهاتف المحمول { $phone }.
changed-phone-removed = أُزيل رقم الهاتف المحمول من حسابك.
changed-two-step-on = شُغّل التحقق بخطوتين لحسابك: سيُطلب منك رمز أيضًا عند تسجيل الدخول.
changed-two-step-off = أُوقف التحقق بخطوتين لحسابك.
changed-recovery-codes = أُنشئت مجموعة جديدة من رموز الاسترداد لحسابك، ولم تعد الرموز السابقة تعمل.
changed-factors-reset = { $by ->
    [administrator] أزال أحد مسؤولي برنامج الرعاية الخاص بك
   *[operator] أزال مشغِّل الخدمة
} رقم هاتفك المحمول ورموز الاسترداد ومفاتيح المرور، وسُجِّل خروجك. إذا كانت مؤسستك تشترطها، فستُعِدّها من جديد عند تسجيل الدخول التالي.
signup-error-email = يُرجى إدخال عنوان بريد إلكتروني صالح.
signup-error-terms = يُرجى الموافقة على شروط الاستخدام للمتابعة.
signup-error-email-taken = لا يمكن استخدام عنوان البريد الإلكتروني هذا لإنشاء حساب جديد. إذا كان لديك حساب بالفعل، فسجِّل الدخول.
signup-error-given-name = يُرجى إدخال اسمك الأول (بحد أقصى { $max } حرفًا).
signup-error-family-name = يُرجى إدخال اسم عائلتك (بحد أقصى { $max } حرفًا).

## Messages handlers write
authorize-two-clients = يذكر الطلب تطبيقين مختلفين.
authorize-must-post = يجب إرسال طلب التفويض كنموذج بطريقة POST.
authorize-unknown-client = هذا التطبيق غير معروف هنا.
authorize-no-client-id = لا يذكر الطلب التطبيق الذي يطلب الدخول (client_id).
authorize-unknown-application = التطبيق الذي يطلب تسجيل دخولك غير معروف هنا.
authorize-no-redirect-uri = لا يتضمن الطلب redirect_uri.
authorize-unregistered-redirect = عنوان redirect_uri غير مسجَّل لهذا التطبيق، لذا لن يوجِّهك { $product } إليه.
logout-must-post = يجب إرسال طلب تسجيل الخروج كنموذج بطريقة POST.
logout-stale = لم يعد نموذج تسجيل الخروج هذا صالحًا. يُرجى الرجوع والمحاولة مجددًا.
logout-bad-hint = قيمة id_token_hint ليست رمز هوية أصدره { $product }.
logout-client-mismatch = لا يطابق client_id قيمة id_token_hint.
logout-unknown-application = التطبيق الذي يطلب تسجيل خروجك غير معروف هنا.
logout-unregistered-redirect = عنوان post_logout_redirect_uri غير مسجَّل لهذا التطبيق، لذا لن يوجِّهك { $product } إليه.
account-wrong-password = كلمة المرور غير صحيحة.
account-password-locked = أُدخلت كلمات مرور خاطئة كثيرة على التوالي. يُرجى المحاولة مجددًا بعد { $until }.
account-name-invalid = يُرجى إدخال اسم أول من حرف واحد إلى 100 حرف، واسم عائلة لا يتجاوز 100 حرف.
account-session-unknown = هذه الجلسة ليست لك، أو أنها انتهت.
account-phone-needed = يحتاج التحقق بخطوتين إلى رقم هاتفك المحمول، لذا لا يمكن إزالته.
account-form-stale = لم يعد هذا النموذج صالحًا. يُرجى إعادة تحميل الصفحة والمحاولة مجددًا.
account-sign-in-first = يُرجى تسجيل الدخول أولًا.
page-stale = لم تعد هذه الصفحة محدَّثة. يُرجى إعادة تحميلها والمحاولة مجددًا.
account-sign-in-incomplete = لم يكتمل تسجيل الدخول إلى حسابك.
account-password-changed = تم تغيير كلمة المرور.
account-passwords-differ = كلمتا المرور الجديدتان غير متطابقتين.
account-recovery-needs-phone = تحلّ رموز الاسترداد محل رموز الرسائل النصية: أضف رقم هاتف محمول أولًا.
passkey-sign-in-again = لإضافة مفتاح مرور، يُرجى تسجيل الدخول مجددًا أولًا.
passkey-name-missing = يُرجى إعطاء مفتاح المرور اسمًا.
passkey-unknown = مفتاح المرور هذا ليس لك، أو أنه أُزيل.
passkey-removed = أُزيل مفتاح المرور.
passkey-already = لديك مفتاح مرور بالفعل. يمكنك إضافة المزيد من صفحة حسابك.
passkey-too-many = محاولات كثيرة جدًا. يُرجى الانتظار دقيقة ثم المحاولة مجددًا.
passkey-account-cannot = لا يمكن لهذا الحساب تسجيل الدخول.
login-failed = البريد الإلكتروني أو كلمة المرور غير صحيحة.
recovery-code-wrong = رمز الاسترداد هذا غير صحيح، أو سبق استخدامه.
terms-tick = يُرجى تحديد المربع للموافقة والمتابعة.
verified-title = تم تأكيد البريد الإلكتروني
check-email = تحقَّق من بريدك الإلكتروني
verify-resend-limited = لقد طلبت عدة روابط بالفعل. يُرجى استخدام أحدثها في بريدك الوارد، أو المحاولة لاحقًا.
signup-stale = لم يعد هذا النموذج صالحًا. يُرجى فتح رابط الدعوة مجددًا.
forgot-email-missing = يُرجى إدخال عنوان بريد إلكتروني.
forgot-sent = إذا كان هناك حساب مرتبط بهذا العنوان، فقد أرسلنا إليه رابطًا لاختيار كلمة مرور جديدة. يعمل الرابط لفترة قصيرة ومرة واحدة فقط.
reset-passwords-differ = كلمتا المرور غير متطابقتين.
reset-done-title = تم تغيير كلمة المرور
verified-message = شكرًا لك. يمكنك العودة إلى التطبيق وتسجيل الدخول.
verify-resent = أرسلنا رابط تأكيد جديدًا إلى { $email }. افتحه، ثم عُد وسجِّل الدخول.
reset-done-message = تم تعيين كلمة المرور الجديدة وتسجيل خروجك من جميع الأجهزة. عُد إلى التطبيق لتسجيل الدخول.
scope-openid = معرفة هويتك
scope-profile = الاطلاع على اسمك
scope-email = الاطلاع على بريدك الإلكتروني
scope-phone = الاطلاع على رقم هاتفك
scope-offline-access = الاحتفاظ بالوصول أثناء غيابك
scope-careid = الاطلاع على دورك وبرنامج الرعاية الخاص بك
scope-careid-invite = إرسال الدعوات نيابةً عنك
scope-careid-admin = تغيير سياسة تسجيل الدخول لبرنامج الرعاية الخاص بك وإعادة تعيين التحقق بخطوتين للأعضاء
scope-other = وصول آخر
password-too-short = يجب ألا تقل كلمة المرور عن { $min } حرفًا.
password-too-long = يجب ألا تزيد كلمة المرور على { $max } حرفًا.
password-common = كلمة المرور هذه من أكثر كلمات المرور استخدامًا. يُرجى اختيار كلمة أخرى.
password-context-words = يُرجى ألا تبني كلمة المرور من اسمك أو بريدك الإلكتروني أو اسم هذه الخدمة: فهي قصيرة جدًا من دونها.
password-weak = من السهل جدًا تخمين كلمة المرور هذه. جرِّب عبارة أطول من كلمات لا رابط بينها.

## نصوص برنامج مفاتيح المرور (يحملها القالب العام)
passkey-js-timed-out = انتهت مهلة طلب مفتاح المرور.
passkey-js-cancelled = أُلغي طلب مفتاح المرور.
passkey-js-already = لدى هذا الجهاز مفتاح مرور لحسابك بالفعل.
passkey-js-unsupported = لا يمكن لهذا المتصفح أو الجهاز استخدام مفاتيح المرور هنا.
passkey-js-unreachable = تعذّر الوصول إلى { $product }. تحقَّق من اتصالك وحاول مجددًا.
passkey-js-failed = تعذّر استخدام مفتاح المرور.
passkey-js-no-platform = لا يدعم هذا الجهاز مفاتيح المرور المدمجة (بصمة الإصبع أو الوجه أو قفل الشاشة). لا يزال بإمكانك استخدام هاتف أو مفتاح أمان.

## رحلات تنتهي حيث يتوقعها الناس، وصفحات تقول ما الخطوة التالية
signup-leads-to = بعد إعداد حسابك ستنتقل إلى { $client }.
signup-accept-disclaimer = قرأتُ التنبيه أعلاه وأوافق عليه.
app-open-named = فتح { $client }
continue-to = المتابعة إلى { $client }
email-invitation-leads-to = بعد إعداد حسابك سيتم تسجيل دخولك إلى { $client }.
email-verify-then = ثم تابِع إلى { $client } من هنا:
verified-message-client = شكرًا لك. يمكنك الآن المتابعة إلى { $client }.
verified-already-title = بريدك الإلكتروني مؤكَّد من قبل
verified-already-message = سبق استخدام هذا الرابط، وعنوانك مؤكَّد. لا حاجة إلى أي إجراء آخر.
account-verify-resend = إرسال رسالة التأكيد مرة أخرى
account-verify-resent = أرسلنا رابط تأكيد جديدًا إلى { $email }. يبقى صالحًا حتى { $until }.
account-verify-deadline = يُرجى تأكيده قبل { $until }.
sms-code-void-page = لم يعد هذا الرمز صالحًا. اطلب رمزًا جديدًا وأدخله هنا.
sms-send-new = إرسال رمز جديد
sms-locked-until = أُدخلت رموز خاطئة كثيرة. التحقق بخطوتين مقفل حتى { $until }.
invitation-closed-expired = انتهت صلاحية هذه الدعوة
invitation-closed-revoked = سُحبت هذه الدعوة
invitation-closed-ask = يُرجى أن تطلب دعوة جديدة من { $inviter }:
invitation-closed-ask-support = يُرجى أن تطلب دعوة جديدة من فريق الرعاية الخاص بك.
start-unknown-title = التطبيق غير موجود
start-unknown-message = لا يؤدي هذا الرابط إلى تطبيق يعرفه { $product }. يُرجى فتح تطبيقك مباشرةً.

## نصائح لكلمة مرور جديدة (نصائح zxcvbn بكلماتنا)
password-tip-straight-rows = الصفوف المستقيمة من المفاتيح سهلة التخمين.
password-tip-short-keyboard-patterns = أنماط لوحة المفاتيح القصيرة سهلة التخمين.
password-tip-repeats-aaa = التكرار مثل "aaa" سهل التخمين.
password-tip-repeats-abcabc = التكرار مثل "abcabc" ليس أصعب كثيرًا في التخمين من "abc".
password-tip-top-10 = هذه واحدة من أكثر عشر كلمات مرور شيوعًا.
password-tip-top-100 = هذه واحدة من أكثر مئة كلمة مرور شيوعًا.
password-tip-common = هذه كلمة مرور شائعة جدًا.
password-tip-similar-to-common = هذه تشبه كلمة مرور شائعة الاستخدام.
password-tip-sequences = التسلسلات مثل "abc" أو "6543" سهلة التخمين.
password-tip-recent-years = السنوات الأخيرة سهلة التخمين.
password-tip-single-word = الكلمة الواحدة وحدها سهلة التخمين.
password-tip-dates = التواريخ غالبًا سهلة التخمين.
password-tip-names-alone = الأسماء الأولى وأسماء العائلة وحدها سهلة التخمين.
password-tip-common-names = الأسماء الشائعة وأسماء العائلة الشائعة سهلة التخمين.
password-tip-use-a-few-words = استخدم بضع كلمات، وتجنَّب العبارات الشائعة.
password-tip-no-need-for-symbols = لا حاجة إلى رموز أو أرقام أو أحرف كبيرة.
password-tip-add-a-word = أضف كلمة أو كلمتين. الكلمات غير المألوفة أفضل.
password-tip-capitals = الأحرف الكبيرة لا تفيد كثيرًا.
password-tip-all-uppercase = الأحرف الكبيرة كلها سهلة التخمين تقريبًا مثل الأحرف الصغيرة كلها.
password-tip-reversed = الكلمات المكتوبة بالعكس ليست أصعب كثيرًا في التخمين.
password-tip-substitutions = الاستبدالات المتوقعة مثل "@" بدل "a" لا تفيد كثيرًا.
password-tip-longer-pattern = استخدم نمطًا أطول على لوحة المفاتيح مع انعطافات أكثر.
password-tip-avoid-repeats = تجنَّب تكرار الكلمات والأحرف.
password-tip-avoid-sequences = تجنَّب التسلسلات.
password-tip-avoid-recent-years = تجنَّب السنوات الأخيرة.
password-tip-avoid-your-years = تجنَّب السنوات المرتبطة بك.
password-tip-avoid-your-dates = تجنَّب التواريخ والسنوات المرتبطة بك.
