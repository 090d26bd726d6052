"""The maintained lists an organisation's profile draws on (one place to change them)."""
from __future__ import annotations

SERVICE_CATEGORIES = {
    "advice": "Advice and advocacy",
    "carers": "Support for carers",
    "community_transport": "Community transport",
    "domestic_abuse": "Domestic abuse support",
    "employment": "Employment and skills",
    "food": "Food support",
    "health_wellbeing": "Health and wellbeing",
    "housing": "Housing and homelessness",
    "mental_health": "Mental health",
    "older_people": "Services for older people",
    "social_prescribing": "Social prescribing",
    "substance_misuse": "Drug and alcohol support",
    "volunteering": "Volunteering development",
    "youth": "Youth work",
}

CLIENT_GROUPS = {
    "children": "Children",
    "young_people": "Young people",
    "older_people": "Older people",
    "disabled_people": "Disabled people",
    "carers": "Carers",
    "refugees": "Refugees and asylum seekers",
    "bme_communities": "Black and minority ethnic communities",
    "lgbtq": "LGBTQ+ people",
    "homeless": "People who are homeless",
    "ex_offenders": "People with convictions",
    "general_public": "The general public",
}

# What an organisation may declare about itself (M3).
DIVERSITY_CHARACTERISTICS = {
    "bme_led": "BME-led",
    "disability_led": "Disability-led",
    "women_led": "Women-led",
    "lgbtq_led": "LGBTQ+-led",
    "user_led": "User-led",
    "faith_based": "Faith-based",
    "rural": "Rural",
}

INCOME_BANDS = {
    "under_10k": "Under £10,000",
    "10k_100k": "£10,000 to £100,000",
    "100k_1m": "£100,000 to £1 million",
    "1m_10m": "£1 million to £10 million",
    "over_10m": "Over £10 million",
}

CONTACT_ROLES = {"main": "Main contact", "finance": "Finance contact", "safeguarding": "Safeguarding lead"}
