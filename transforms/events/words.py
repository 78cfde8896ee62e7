"""The word lists of the events extractor, read from ``transforms/data/event_words.txt``.

Each constant is one ``[list]`` of that file (see its comments for what each list is for);
the rules that use them are in the other modules of the package.
"""

from __future__ import annotations

from transforms.wordlists import word_lists

_W = word_lists("event_words.txt")

REPORTING = _W["reporting"]
SPEECH = _W["speech"]
FUTURE_GOVERNORS = _W["future_governors"]
HYPOTHETICAL_GOVERNORS = _W["hypothetical_governors"]
THREAT_VERBS = _W["threat_verbs"]
DATE_SHIFTING = _W["date_shifting"]
HYPOTHETICAL_CCOMP = _W["hypothetical_ccomp"]
REPORTED_OBJECT = _W["reported_object"]
FUTURE_OBJECT_GOVERNORS = _W["future_object_governors"]
HYPOTHETICAL_NOUNS = _W["hypothetical_nouns"]
NEGATING_GOVERNORS = _W["negating_governors"]
HYPOTHETICAL_AUX = _W["hypothetical_aux"]
FUTURE_AUX = _W["future_aux"]
FUTURE_ADJ = _W["future_adj"]
HAPPEN_VERBS = _W["happen_verbs"]
OBJECT_CONTROL = _W["object_control"]
ACCUSING = _W["accusing"]
LOCATIVE_PREPS = _W["locative_preps"]
NOT_TIME_PREPS = _W["not_time_preps"]
SCHEDULING = _W["scheduling"]
AFFILIATION_NOUNS = _W["affiliation_nouns"]
PARTICIPANT_NOUNS = AFFILIATION_NOUNS | _W["participant_nouns"]
#: Nouns for places, shared with the coreference rules (``place_words.txt``).
PLACE_NOUNS = word_lists("place_words.txt")["place_nouns"]
QUANTIFIERS = _W["quantifiers"]
ORG_DEFINITES = _W["org_definites"]
COUNTRY_DEFINITES = _W["country_definites"]
AGENT_VERBS = _W["agent_verbs"]
ORG_NOUNS = _W["org_nouns"]
PHYSICAL_TARGETS = _W["physical_targets"]
NEGATIVE_SUBJECTS = _W["negative_subjects"]
ROUND_NOUNS = _W["round_nouns"]
FIRST_PERSON = _W["first_person"]
EVENT_SUBJECT_VERBS = _W["event_subject_verbs"]
OF_HEADS = _W["of_heads"]
POSTPOSITIVE = _W["postpositive"]
PERSON_TITLES = _W["person_titles"]
TITLE_DEFINITES = _W["title_definites"]
REPORTED_ADVERBS = _W["reported_adverbs"]
FUTURE_NOUN_MODIFIERS = _W["future_noun_modifiers"]
REPORTED_NOUN_MODIFIERS = _W["reported_noun_modifiers"]
FIELD_VERBS_OFF = _W["field_verbs_off"]
MARKET_INSTRUMENTS = _W["market_instruments"]
CENTRAL_BANKS = _W["central_banks"]
