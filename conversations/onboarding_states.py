"""The state names of the onboarding flow, shared by its two modules."""

LANGUAGE, CONSENT, LINK, CODE = "lang", "consent", "link", "code"
NAME, NIK, REGION, PPKS, TRAINING, BUSINESS, PHONE, CONFIRM = (
    "name",
    "nik",
    "region",
    "ppks",
    "training",
    "business",
    "phone",
    "confirm",
)
