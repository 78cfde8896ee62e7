"""The speaker rule (transforms/quotes/speakers.py): subjects, inverted subjects,
appositions, pronouns, participles; exact spans and entities."""

from __future__ import annotations

from tests.transforms.helpers import direct_quotes_of, quotes_of
from transforms.quotes.rows import Quote


def view(q: Quote) -> tuple:
    return (q.text, q.is_direct, q.is_partial, q.speaker_text, q.speaker_name, q.cue)


def test_pronoun_speaker_resolves_to_the_earlier_person(nlp):
    got = quotes_of(
        nlp, "Maria Lopez arrived in Lisbon on Monday. “We will win this fight,” she said."
    )
    assert [view(q) for q in got] == [
        ("We will win this fight", True, False, "she", "Maria Lopez", "said")
    ]


def test_pronouns_follow_gender_and_focus(nlp):
    text = (
        "Anna Berg met Tom Baker in Vienna on Monday. Berg said the deal was done. "
        "“It is a good day for both countries,” she said. “We will see,” he said."
    )
    direct = [view(q) for q in quotes_of(nlp, text) if q.is_direct]
    assert direct == [
        ("It is a good day for both countries", True, False, "she", "Anna Berg", "said"),
        ("We will see", True, False, "he", "Tom Baker", "said"),
    ]


def test_inverted_attribution_with_apposition(nlp):
    got = quotes_of(
        nlp, '"The bridge is closed until further notice," said Tom Baker, the city engineer.'
    )
    assert [view(q) for q in got] == [
        ("The bridge is closed until further notice", True, False, "Tom Baker", "Tom Baker", "said")
    ]
    q = got[0]
    assert (q.speaker_start_char, q.speaker_end_char) == (50, 59)


def test_apposition_and_colon(nlp):
    got = quotes_of(
        nlp, "Anna Berg, a spokeswoman for the ministry, said: “We are ready for the talks.”"
    )
    assert [view(q) for q in got] == [
        ("We are ready for the talks.", True, False, "Anna Berg", "Anna Berg", "said")
    ]


def test_participle_cue_keeps_the_speaker(nlp):
    text = (
        "Florence Parly spoke at the Atlantic Council. “This task force has had success,” she "
        "said, adding that “US support for our operations is critical.”"
    )
    direct = [view(q) for q in quotes_of(nlp, text) if q.is_direct]
    assert direct == [
        ("This task force has had success", True, False, "she", "Florence Parly", "said"),
        (
            "US support for our operations is critical.",
            True,
            True,  # a clause after the writer's "adding that": partial
            "she",
            "Florence Parly",
            "adding",
        ),
    ]


def test_passive_participle_is_not_a_speaker_s_cue(nlp):
    got = quotes_of(nlp, "“I don’t know,” Smith said when asked whether he would run again.")
    assert [view(q) for q in got] == [("I don’t know", True, False, "Smith", "Smith", "said")]


def test_name_set_off_by_a_comma_in_the_speaker_phrase(nlp):
    got = quotes_of(nlp, "“It is a disgrace,” said the MP for Bath, Anna Berg.")
    assert [view(q) for q in got] == [
        ("It is a disgrace", True, False, "the MP for Bath", "Anna Berg", "said")
    ]


def test_participle_hung_on_the_reported_clause_goes_on_with_the_speaker(nlp):
    # the parser hangs "further saying" on "costs" (whose subject is "the use"): the
    # participle continues the words of the one who said the clause
    text = (
        'Bank president Ana Ruiz said the use of foreign currencies "costs the region '
        'billions," further saying, "Beyond that, it also slows trade."'
    )
    direct = [view(q) for q in quotes_of(nlp, text) if q.is_direct]
    assert direct == [
        ("costs the region billions", True, True, "Bank president Ana Ruiz", "Ana Ruiz", "said"),
        (
            "Beyond that, it also slows trade.",
            True,
            False,
            "Bank president Ana Ruiz",
            "Ana Ruiz",
            "saying",
        ),
    ]


WRAPPED_STUDY = (
    "Shares of copper producers rose sharply on Tuesday after the\n"
    "industry group said most private economists saw no sign of a\n"
    "slowdown and were predicting growth of three pct for this year.\n"
    '    "Demand for copper is still far greater than the supply. We\n'
    "are working to close the gap with new mines and are confident\n"
    'in the resilient and diversified industry of this nation,"\n'
    "the industry study said.\n"
    "    The study also said prices would stay high for a while\n"
    "and that the new mines would take five or more years to open.\n"
)


def test_hard_wrapped_attribution_after_a_line_break(nlp):
    # in hard-wrapped text a line break inside a sentence is a space: the attribution on the
    # next line is the quote's own (not the participle of the sentence before)
    direct = [view(q) for q in quotes_of(nlp, WRAPPED_STUDY) if q.is_direct]
    assert [(d[0][:29], d[3], d[4], d[5]) for d in direct] == [
        ("Demand for copper is still fa", "the industry study", None, "said")
    ]


def test_a_document_with_another_name_has_another_issuer(nlp):
    text = (
        "Senator Ann Holt said in a report on Monday that growth would slow. "
        '"Growth will slow," the report said. '
        '"The economy is on a path of stable growth," the Republican report said.'
    )
    direct = [
        (q.text, q.speaker_text, q.speaker_name, q.speaker_kind)
        for q in quotes_of(nlp, text)
        if q.is_direct
    ]
    assert direct == [
        ("Growth will slow", "the report", "Ann Holt", "person"),
        ("The economy is on a path of stable growth", "the Republican report", None, "nominal"),
    ]


def test_a_clause_after_said_and_a_comma_is_full_even_in_lower_case(nlp):
    text = (
        'Tom Baker spoke in Vienna on Monday. He noted, "the plan does not cover new roads." '
        'That, the council said, "would be helpful."'
    )
    direct = [view(q) for q in quotes_of(nlp, text) if q.is_direct]
    assert direct == [
        ("the plan does not cover new roads.", True, False, "He", "Tom Baker", "noted"),
        ("would be helpful.", True, True, "the council", None, "said"),
    ]


def test_a_clause_right_after_said_is_full_a_phrase_is_not(nlp):
    text = (
        'The statement said "masks are no longer required in shops." '
        'The minister said Paris would respond "in a way the Europeans will feel."'
    )
    direct = [(q.text, q.is_partial) for q in quotes_of(nlp, text) if q.is_direct]
    assert direct == [
        ("masks are no longer required in shops.", False),
        ("in a way the Europeans will feel.", True),
    ]


def test_a_spokesman_speaks_for_his_organisation_not_its_country(nlp):
    text = "Toyota Motor Corp cut prices. “We oppose it,” a Japanese Toyota spokesman said."
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [
        ("a Japanese Toyota spokesman", "Toyota")
    ]


def test_quoted_as_saying_is_the_one_quoted(nlp):
    # "X quoted Y as saying": Y speaks, not the newspaper or agency that quotes
    got = [
        (q.speaker_text, q.speaker_name)
        for q in quotes_of(
            nlp,
            "Reuters quoted Finance Minister Taro Aso as saying: “We will act if needed.” "
            "State media quoted an official as saying that the border was closed.",
        )
    ]
    assert got == [("Finance Minister Taro Aso", "Taro Aso"), ("an official", None)]


def test_cited_as_saying_gives_the_object_s_words(nlp):
    text = (
        "The Daily Courier cited Maria Lopez, a former port official, as saying "
        "“the harbour needs new cranes.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name, q.cue) for q in direct] == [
        ("Maria Lopez", "Maria Lopez", "saying")
    ]


def test_a_description_named_by_a_participle_is_that_person(nlp):
    text = "A nurse named Okafor said, “We worked through the night without a break.”"
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [("A nurse", "Okafor")]


def test_an_organisation_s_officer_in_apposition_speaks_not_the_organisation(nlp):
    # the parser makes "director" a conjunct of the organisation's name (its "and")
    text = (
        "Britain's Institute of Allergy and Infectious Disease's director, Dr. Helen Marsh, "
        "said of the outbreak, “The worst is yet to come.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_name for q in direct] == ["Helen Marsh"]


def test_a_verb_of_saying_hung_on_the_reported_clause_keeps_the_reporter(nlp):
    text = (
        "Speaking in Oslo, Anna Berg said it was too early to count the votes but added, "
        "“We expect a clear result.” Even a top party strategist said Maria Lopez will have "
        "to choose whose side she is on, saying, “At some point, she is going to have to come "
        "out.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [
        ("Anna Berg", "Anna Berg"),
        ("Even a top party strategist", None),
    ]


def test_after_a_colon_introduction_a_question_ends_the_sentence(nlp):
    text = (
        "The committee asked about the attack. Clara Voss, exasperated, famously responded: "
        "“What difference does it make?” Her critics cited it as evidence of indifference."
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [("Clara Voss", "Clara Voss")]


def test_a_run_of_title_words_leads_to_the_name(nlp):
    # the tokenizer splits "co-founder": the parser takes "co" for the subject
    text = "“We did not expect it,” said co-founder Tak-Sing Wong of the lab."
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_name for q in direct] == ["Tak-Sing Wong"]


def test_a_surname_tagged_as_a_plural_noun_is_the_person_named_before(nlp):
    text = (
        "The study was a project between Neil Hammerschlag of the University of Miami and "
        "Chris Fallows of Apex Shark Expeditions, a company that conducts cage dives.\n\n"
        "Fallows remarked, “In 18 years of working at Seal Island, we had never seen these "
        "sharks.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [("Fallows", "Chris Fallows")]


def test_a_verb_of_saying_that_opens_its_sentence_is_followed_by_its_speaker(nlp):
    # quotative inversion: the parser takes the fronted verb for an adjective or a compound
    text = (
        "Biologists found a new frog species in the cloud forest of Ecuador. Remarked study "
        "co-author Lena Ortiz, “This is a remarkable find for the region.”\n\n"
        "The town council met on Tuesday. Added Maria Lopez: “We will rebuild the bridge by "
        "June.” Said councillor Tom Baker, “It is a sad day for the town.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name, q.cue) for q in direct] == [
        ("study co-author Lena Ortiz", "Lena Ortiz", "Remarked"),
        ("Maria Lopez", "Maria Lopez", "Added"),
        ("councillor Tom Baker", "Tom Baker", "Said"),
    ]


def test_a_quote_paragraph_goes_on_with_the_last_speaker_past_a_person_named_as_an_object(nlp):
    text = (
        "“We will appeal the ruling,” Maria Lopez said on Monday.\n\n"
        "The court ruled after a complaint by Tom Baker, a local farmer, in 2019.\n\n"
        "“This is not over. We have the evidence and we will win.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.text[:11], q.speaker_name) for q in direct] == [
        ("We will app", "Maria Lopez"),
        ("This is not", "Maria Lopez"),
    ]


def test_a_participle_after_the_quote_is_not_an_inverted_verb(nlp):
    # "calling it": quotative inversion takes a finite verb; "it" is the participle's object
    text = (
        "Maria Lopez ended her campaign on Friday. Lopez said in a video, "
        '"I do not take this step lightly", calling it a "painful decision".'
    )
    direct = [q for q in quotes_of(nlp, text) if q.is_direct and not q.is_partial]
    assert [(q.speaker_text, q.speaker_name, q.cue) for q in direct] == [
        ("Lopez", "Maria Lopez", "said")
    ]


def test_a_name_inside_the_quotation_is_not_in_apposition_to_the_speaker(nlp):
    # the parser hangs the second stretch on "release" as an apposition: the name in it
    # ("Joan Vale") is not the release's author
    text = (
        "The boxer Dana Kell died on Sunday, the World Boxing Council said.\n\n"
        '"Kell was respected and loved in every way", reads a WBC press release, "a fierce '
        "talent, a thoughtful mentor and a kind soul that contradicted her persona as Ms. Joan "
        'Vale."'
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name, q.speaker_kind) for q in direct] == [
        ("a WBC press release", "World Boxing Council", "organisation"),
        ("a WBC press release", "World Boxing Council", "organisation"),
    ]


def test_a_possessed_thing_before_a_participle_of_saying_is_the_verb_s_object(nlp):
    # the parser makes "her reasoning" the subject of "saying": it is what she posted
    text = (
        "Governor Kay Ivey signed the bill on Wednesday. The governor posted her reasoning "
        'saying, "Today, I signed into law the Human Life Protection Act."'
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [("The governor", "Kay Ivey")]
    # a person is a subject of the participle: "heard her aide saying"
    text = 'Reporters heard the mayor\'s aide saying, "We had no other choice."'
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_text for q in direct] == ["the mayor's aide"]


def test_a_quote_paragraph_after_another_person_s_main_clause_is_that_person_s(nlp):
    text = (
        '"We will appeal the ruling," Maria Lopez said on Monday. Tom Baker, a local farmer, '
        'disagreed with her.\n\n"This case is closed."'
    )
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_name for q in direct] == ["Maria Lopez", "Tom Baker"]
    # the speaker herself again, or a person named only as an object: she goes on
    for between in ("She told reporters that Tom Baker had lied.", "The court heard Tom Baker."):
        text = f'"We will appeal," Maria Lopez said on Monday. {between}\n\n"It is not over."'
        direct = [q for q in quotes_of(nlp, text) if q.is_direct and not q.is_partial]
        assert [q.speaker_name for q in direct] == ["Maria Lopez", "Maria Lopez"], between


def test_a_verb_of_saying_conjoined_in_the_reported_clause_keeps_the_reporter(nlp):
    # "said" hangs on "was made" (the reported clause) and "the move" cannot speak
    text = (
        "Mayor Bill de Blasio spoke on the radio. De Blasio said the move was made by police "
        'commissioner Bill Bratton and said, "Who are you going to trust on security?"'
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [("De Blasio", "Bill de Blasio")]


def test_a_verb_next_to_the_quote_is_no_cue_when_its_subject_cannot_speak(nlp):
    text = (
        "Donald Trump spoke for an hour. When Trump finally wrapped up — “I will fight for you, "
        "and I will win for you!” — the balloons cascaded down on the crowd."
    )
    assert [q.speaker_text for q in quotes_of(nlp, text) if q.is_direct] == []


def test_a_title_of_a_field_is_the_person_named_after_the_field(nlp):
    # the name closes the title's "of"/"for" phrase; a singular noun before it is the
    # person's own title, someone other than the speaker ("the lawyer for defendant …")
    cases = {
        "“We are thrilled with the numbers,” said vice president of sales Tom Baker.": (
            "Tom Baker"
        ),
        "“We are thrilled with the numbers,” said Acme Vice President of sales Tom Baker.": (
            "Tom Baker"
        ),
        "“He is innocent,” said the lawyer for defendant Tom Baker.": None,
    }
    for sentence, name in cases.items():
        direct = direct_quotes_of(nlp, "Sales rose in May. " + sentence)
        assert [q.speaker_name for q in direct] == [name], sentence


def test_a_person_named_after_another_proper_noun_is_the_speaker(nlp):
    # the parser makes the region before the title a second subject of the inverted verb
    text = (
        "“We should be thinking about ratification right now,” commented Ontario Premier "
        "Paul Moreau, who has been critical of the talks in the past."
    )
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_name for q in direct] == ["Paul Moreau"]


def test_the_person_named_right_before_the_verb_heads_the_subject(nlp):
    # a show named after its host sits in the speaker's phrase; the name at the verb speaks
    text = (
        "Radio host Don Imus died on Friday.\n\n"
        "Longtime Imus in the Morning writer and performer Carla Moreno tweeted: "
        "“He was a rebel and a champion of the underdog.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_name for q in direct] == ["Carla Moreno"]


def test_a_comma_introduction_whose_verb_the_parser_hung_the_quote_on(nlp):
    # "agreed" (no verb of saying in the lexicon) takes the quotation as its complement
    text = "Alberta Premier Don Getty agreed, “Things are running pretty quickly now.”"
    direct = direct_quotes_of(nlp, text)
    assert [(q.text, q.speaker_name) for q in direct] == [
        ("Things are running pretty quickly now.", "Don Getty")
    ]


def test_an_introduction_the_parser_hung_on_the_quotation_s_verb(nlp):
    # "shot back" becomes a complement of the quotation's "called": still its introduction
    text = (
        "Rita Moreno accused Tom Baker of being too close to the banks. Tom Baker shot back, "
        '"Secretary Moreno called them out. Oh my goodness, they must have been really crushed '
        'by that."'
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_name, q.cue) for q in direct] == [("Tom Baker", "shot")]


def test_an_inverted_subject_ends_with_the_person_named_after_an_occupation(nlp):
    # the parser takes the firm's first name for the subject and hangs the analyst on it as
    # a conjunct: the head of the noun phrase comes last
    text = (
        "“It has not yet broken out of its range,” said Carroll Brennan and McGinley analyst "
        "Denis Karnosky. “It needs something,” he said."
    )
    direct = direct_quotes_of(nlp, text)
    assert [q.speaker_name for q in direct] == ["Denis Karnosky", "Denis Karnosky"]
    # two people coordinated, no occupation before the second: the first one named
    text = "“We will appeal,” said Tom Baker and Ana Lopes."
    assert [q.speaker_name for q in quotes_of(nlp, text) if q.is_direct] == ["Tom Baker"]


def test_a_quote_after_a_passive_sentence_is_its_agent_s(nlp):
    # the agent of a passive is its logical subject: the person the sentence before brings in
    text = (
        "Their view was backed by Monique Landry, Canada's Minister for External Relations. "
        "“The rich countries have not as yet lived up to their part of the pact.”"
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name) for q in direct] == [
        ("Monique Landry", "Monique Landry")
    ]
    # a thing as the agent speaks no quote
    text = "The bill was backed by the Senate budget. “The rich countries have not paid.”"
    assert [q.speaker_name for q in quotes_of(nlp, text) if q.is_direct] == []


def test_a_subject_after_a_subordinator_is_not_the_speaker(nlp):
    # the parser made "after" a subordinator of "said" and "crash" a second subject
    text = (
        "Boeing Co said the cause was unclear. The Boeing statement after the crash said: "
        "“Examination of the wreckage indicates that decompression occurred in flight.”"
    )
    assert [(q.speaker_text, q.speaker_name) for q in direct_quotes_of(nlp, text)] == [
        ("The Boeing statement", "Boeing")
    ]


def test_a_relative_named_in_apposition_is_the_speaker(nlp):
    # "son", "wife", "husband" are nouns for people: the name in apposition speaks, and an
    # unknown verb ("cut in") is a cue for them as for "the officer"
    got = quotes_of(
        nlp,
        "Hoffman's daughter, Grace, defended her father on Tuesday on Facebook, saying: "
        "“He is no bigot and never was one.”\n\n"
        "“We both voted early,” her husband cut in.",
    )
    assert [(q.text, q.speaker_text, q.speaker_name) for q in got if q.is_direct] == [
        ("He is no bigot and never was one.", "Hoffman's daughter", "Grace"),
        ("We both voted early", "her husband", None),
    ]


def test_a_quotation_signed_after_a_dash_is_the_signers(nlp):
    # vox pops, epigraphs and letters credit a quotation after it: "“…” ― Name" ending the
    # line is the signer's, not the previous signer's (no-break spaces around a name too)
    got = quotes_of(
        nlp,
        "Readers wrote to us about the vote on Friday.\n\n"
        "“The council ignored every letter we sent.” ― Maria Lopez\n\n"
        "“Nobody asked the farmers what they need.” — John Carter.\n\n"
        "“It was a fair fight and we lost.” ―\u00a0Anna Berg\u00a0",
    )
    assert [(q.text, q.speaker_text, q.speaker_name) for q in got if q.is_direct] == [
        ("The council ignored every letter we sent.", "Maria Lopez", "Maria Lopez"),
        ("Nobody asked the farmers what they need.", "John Carter", "John Carter"),
        ("It was a fair fight and we lost.", "Anna Berg", "Anna Berg"),
    ]


def test_a_participle_after_a_where_clause_goes_on_with_the_clause_around_it(nlp):
    # "while chanting" hangs on the "where" clause in the parse; the chanting is done by
    # the subject of the clause around it, not by the team named in the "where" clause
    got = quotes_of(
        nlp,
        "Small groups of farmers kept marching, circling the square outside City Hall - "
        "where the Detroit Lions held a rally - while chanting, “Fair prices now.”",
    )
    assert [(q.text, q.speaker_text, q.speaker_name) for q in got if q.is_direct] == [
        ("Fair prices now.", "Small groups of farmers", None),
    ]


def test_the_one_a_record_shows_says_what_the_participle_reports(nlp):
    # "a clip of X saying": X says it; neither the clip nor the spot that shows it speaks
    got = quotes_of(
        nlp,
        "The spot shows a clip of Mara Quist saying, “We will never raise taxes.”\n\n"
        "The commercial uses video of Tom Smith telling voters, “I will fix the roads.”",
    )
    assert [(q.text, q.speaker_text, q.speaker_name) for q in got if q.is_direct] == [
        ("We will never raise taxes.", "Mara Quist", "Mara Quist"),
        ("I will fix the roads.", "Tom Smith", "Tom Smith"),
    ]


def test_a_name_among_an_appositions_modifiers_is_not_the_speaker(nlp):
    # the apposition's own head names the person; Bachmann only owns the campaign
    got = quotes_of(
        nlp,
        "The ad ran in Iowa on Monday.\n\n"
        "“We expected a close race,” said Brett O’Donnell, chief strategist for Michele "
        "Bachmann’s campaign.",
    )
    assert [(q.text, q.speaker_text, q.speaker_name) for q in got if q.is_direct] == [
        ("We expected a close race", "Brett O’Donnell", "Brett O’Donnell"),
    ]


def test_a_name_after_a_run_of_titles_closing_an_inverted_subject_is_the_speaker(nlp):
    # the parser makes "co" the subject and tags "Why" an adverb; two titles joined by "and"
    text = (
        "Zebra stripes confuse flies, a study found. “The flies cannot land,” said study "
        "co-author and Royal Society Research Fellow Nadia Why."
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_text, q.speaker_name, q.speaker_kind) for q in direct] == [
        ("Nadia Why", "Nadia Why", "person")
    ]


def test_a_name_in_apposition_to_a_role_names_the_speaker_as_a_person(nlp):
    # the model tags "Ivo Kranjc" an organisation and misses "Pradeep Khosla"
    text = (
        "The mayor, Ivo Kranjc, said: “It is over.”\n\n"
        "“He was brilliant,” said University of Toledo's chancellor, Pradeep Khosla."
    )
    direct = direct_quotes_of(nlp, text)
    assert [(q.speaker_name, q.speaker_kind) for q in direct] == [
        ("Ivo Kranjc", "person"),
        ("Pradeep Khosla", "person"),
    ]
