"""Common-noun and document speakers (transforms/quotes/referents.py): whom "the
commissioner", "the company", "the statement" stand for, and the speaker_kind column."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import quotes_of
from transforms.quotes.referents import SPEAKER_KINDS
from transforms.quotes.rows import Quote


def view(q: Quote) -> tuple:
    return (q.text, q.speaker_text, q.speaker_name, q.speaker_kind)


def direct(nlp, text: str) -> list[tuple]:
    return [view(q) for q in quotes_of(nlp, text) if q.is_direct]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an apposition describes the person
        (
            "Ron Vale, the league's commissioner, met the owners on Monday. "
            "“We will appeal,” the commissioner said.",
            ("We will appeal", "the commissioner", "Ron Vale", "person"),
        ),
        # a title before the name
        (
            "Trade commissioner Albert Muchanga spoke in Niamey. "
            "The commissioner said, “We have not agreed yet.”",
            ("We have not agreed yet.", "The commissioner", "Albert Muchanga", "person"),
        ),
        # a company noun: the company with a corporate name that speaks
        (
            "Honeybee Inc said it knows of no reason for the rise. "
            "“Business is continuing as usual,” the company said.",
            ("Business is continuing as usual", "the company", "Honeybee Inc", "organisation"),
        ),
        # an organisation noun: the latest organisation whose name holds it
        (
            "The Securities and Exchange Commission opened an inquiry on Friday. "
            "“The inquiry is routine,” the commission said.",
            (
                "The inquiry is routine",
                "the commission",
                "Securities and Exchange Commission",
                "organisation",
            ),
        ),
        # a document speaks for whoever issued it
        (
            "The Finance Ministry said in a statement that talks would go on. "
            "“We will not pay,” the statement said.",
            ("We will not pay", "the statement", "Finance Ministry", "organisation"),
        ),
        # an epithet is the person who spoke last
        (
            "“The economy is fragile,” Sen. Paul Sarbanes said. "
            "“We are skating on thin ice,” the Maryland Democrat said.",
            ("We are skating on thin ice", "the Maryland Democrat", "Paul Sarbanes", "person"),
        ),
        # a former office describes a person already named, not the office's holder
        (
            "Ana Lopes, a banker, said rates should fall. "
            "“Money is too tight,” the former chairman of Banco Atlantico said.",
            (
                "Money is too tight",
                "the former chairman of Banco Atlantico",
                "Ana Lopes",
                "person",
            ),
        ),
        # an organisation brought in by a common noun ("a brewery") is named later
        (
            "A brewery in Leeds shut on Friday. The owner, Northgate Brewing Company, "
            "cited costs. “We cannot go on,” the brewery said.",
            ("We cannot go on", "the brewery", "Northgate Brewing Company", "organisation"),
        ),
    ],
)
def test_a_description_links_to_the_named_speaker(nlp, text, expected):
    assert direct(nlp, text)[-1] == expected


def test_nobody_named_stays_nominal(nlp):
    # "an aide … the aide": the earlier mention named nobody, and nobody nearby is taken
    text = (
        "Senator Ana Lopes left early. An aide to the senator said the vote was close. "
        "“It could go either way,” the aide said."
    )
    assert direct(nlp, text) == [("It could go either way", "the aide", None, "nominal")]
    # a document whose issuer the text does not give
    text = "Mayor Ivo Kranjc spoke on Monday. “Costs will rise,” the report said."
    assert direct(nlp, text) == [("Costs will rise", "the report", None, "nominal")]


def test_it_after_a_thing_that_spoke(nlp):
    text = "A World Bank report on Peru said growth would slow. “Inflation will rise,” it added."
    assert direct(nlp, text) == [("Inflation will rise", "it", "World Bank", "organisation")]


def test_speaker_kinds(nlp):
    text = (
        "Maria Lopez arrived in Lisbon. “We will win,” she said. "
        "“It was chaos,” a witness said. “Nobody knows,” they said."
    )
    got = {q.text: q.speaker_kind for q in quotes_of(nlp, text) if q.is_direct}
    assert got == {"We will win": "person", "It was chaos": "nominal", "Nobody knows": "pronoun"}
    assert set(got.values()) < set(SPEAKER_KINDS)


def test_a_ticker_symbol_is_not_a_name_in_apposition(nlp):
    # Reuters' <TICKER> after a company is its stock symbol, not a name in apposition to the
    # speaker: "the one-time chairman" is the person named before, not the organisation "MER>"
    text = (
        "Peter Hale, President Carter's\nformer chief of staff, said the government should "
        'loosen the\nmoney supply.\n    "I think what we have to face now is trying to '
        'preserve our\neconomy," the one-time chairman of Merrill Lynch and Co Inc\n<MER> '
        "said in an interview on the ABC television network."
    )
    assert direct(nlp, text)[-1][2:] == ("Peter Hale", "person")


def test_a_document_speaks_for_whoever_released_it(nlp):
    # the subject of the verb that issues the document ("released a video that said")
    text = "Acme Corp released a video that said, “We are going to hire 500 people.”"
    assert direct(nlp, text) == [
        ("We are going to hire 500 people.", "a video", "Acme Corp", "organisation")
    ]
    # "X said in a statement" where X is a description with the name in apposition
    text = (
        "In a statement released on Monday, the company's chief executive, Laura Chen, said "
        "the merger would close in June.\n\n“This is a great day for our shareholders,” "
        "the statement said."
    )
    assert direct(nlp, text)[-1][2:] == ("Laura Chen", "person")
    # "X provided a statement": providing, giving or making one issues it
    text = (
        "The newspaper said Peter Cook provided a written statement on Friday.\n\n"
        "“The secretary made a mistake,” the statement said."
    )
    assert direct(nlp, text)[-1][2:] == ("Peter Cook", "person")


def test_the_company_is_only_a_company(nlp):
    # an organisation named as one of another kind does not fit "the company", however often
    # it is named; a corporate name does
    text = (
        "The Ministry of Finance met in Oslo on Monday. The Ministry of Finance spoke again. "
        "“We will not pay,” the company said."
    )
    assert direct(nlp, text)[-1][1:] == ("the company", None, "nominal")
    text = "Honeybee Inc met the United Nations on Monday. “We will not pay,” the company said."
    assert direct(nlp, text)[-1][1:] == ("the company", "Honeybee Inc", "organisation")


TITLES = [
    # the person in focus holds the office only if the text says so: here it does not
    (
        "Bernie Sanders defended his call to raise the minimum wage on Saturday.\n\n"
        "“I apologize to nobody for that,” the senator said.",
        ("I apologize to nobody for that", "the senator", None, "nominal"),
    ),
    (
        "Mara Quist runs the shelter in Leeds. “Nobody comes here by choice,” she said.\n\n"
        "The minister told the BBC: “The figures are disappointing.”",
        ("The figures are disappointing.", "The minister", None, "nominal"),
    ),
    # a narrower title is the evidence: a senator is a lawmaker, a representative a congressman
    (
        "Sen. Bernie Sanders defended his call to raise the minimum wage on Saturday.\n\n"
        "“I apologize to nobody for that,” the lawmaker said.",
        ("I apologize to nobody for that", "the lawmaker", "Bernie Sanders", "person"),
    ),
    (
        "Rep. Adam Schiff spoke on Monday. “Russia meddled,” the California congressman said.",
        ("Russia meddled", "the California congressman", "Adam Schiff", "person"),
    ),
    # an abbreviated title describes the person as the word does ("Gov." → governor),
    # ahead of the subject of the sentence before
    (
        "Gov. Chris Christie spoke after the debate. Ted Cruz said the program was vital. "
        "“He went for the easy vote,” the governor said.",
        ("He went for the easy vote", "the governor", "Chris Christie", "person"),
    ),
    # the same title again: the person it was the first time
    (
        "Sen. Bernie Sanders spoke on Saturday. “We will win,” the lawmaker said. Hillary "
        "Clinton smiled. “We will fight on,” the lawmaker added.",
        ("We will fight on", "the lawmaker", "Bernie Sanders", "person"),
    ),
    # the title named someone else before: nobody named
    (
        "Tom Smith met the president on Tuesday. “We had a good talk,” the president said.",
        ("We had a good talk", "the president", None, "nominal"),
    ),
    # not an office: nobody named
    (
        "Anna Berg pleaded guilty on Monday. “You have shown no remorse,” the judge said.",
        ("You have shown no remorse", "the judge", None, "nominal"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), TITLES)
def test_a_title_refers_to_the_person_in_focus_who_holds_it(nlp, text, expected):
    assert direct(nlp, text)[-1] == expected


def test_a_document_with_an_owner_of_its_own_is_not_an_earlier_one(nlp):
    # "Stardom's statement" names its own issuer (one the recognizer missed): it is not the
    # message Hana Kimura posted before, and stays nominal rather than go to a person nearby
    text = (
        "Hana Kimura posted a message on Twitter on Monday. Stardom's official statement read "
        "“We are very sorry to report that she has passed away.”"
    )
    assert direct(nlp, text)[-1][1:] == ("Stardom's official statement", None, "nominal")


def test_it_after_a_document_is_the_document(nlp):
    # a speaker "it" goes to a document named nearer than its antecedent: the letter (from an
    # unnamed association: nominal), not the city named before
    text = (
        "The bank's headquarters are in Washington. A letter this month to the board from the "
        "staff association urged a change. “We have accepted decades of back-room deals,” it "
        "said."
    )
    assert direct(nlp, text)[-1][1:] == ("it", None, "nominal")
    # an organisation named after the document is nearer: it is the organisation
    text = "The memo was criticised by Acme Corp. “The memo is wrong,” it said."
    assert direct(nlp, text)[-1][1:3] == ("it", "Acme Corp.")


def test_an_expert_s_occupation_describes_the_person_who_spoke_last(nlp):
    text = (
        "“Warm water is attacking the ice shelves,” said study co-author Karen Alley. The "
        "Wooster professor added, “These effects matter.” “The virus spreads fast,” said Lena "
        "Ortiz, who led the survey. “We need more data,” the epidemiologist said."
    )
    assert [(s, n) for _, s, n, _ in direct(nlp, text)] == [
        ("author Karen Alley", "Karen Alley"),
        ("The Wooster professor", "Karen Alley"),
        ("Lena Ortiz", "Lena Ortiz"),
        ("the epidemiologist", "Lena Ortiz"),
    ]


def test_he_after_an_unnamed_speaker_is_nominal_not_an_unresolved_pronoun(nlp):
    text = (
        "A senior official, who declined to be named, said the talks had stalled. "
        "“We are not close,” he said.\n\nMaria Lopez arrived on Monday. “We are close,” she said."
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("he", None, "nominal"),
        ("she", "Maria Lopez", "person"),
    ]


def test_a_document_speaks_for_whoever_did_the_act_it_records(nlp):
    # "declared … the proclamation": the act whose object the document's sentence names
    text = (
        "On Friday, President Tom Baker declared a national emergency over the floods. The "
        "move came a day after the Red Cross declared the region a disaster zone.\n\n"
        "The proclamation said “the floods constitute a national emergency” and named a "
        "start date."
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("The proclamation", "Tom Baker", "person")
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Brenda Alvarado", "person"),  # a census first name, no organisation word
        ("Brenda Alvarado Foundation", "organisation"),  # an organisation's head noun
        ("America Rising", "organisation"),  # "America" is a place too
        ("Alvarado", "organisation"),  # one word: no evidence
    ],
)
def test_a_person_the_recognizer_labels_an_organisation_speaks_as_a_person(nlp, name, kind):
    from transforms.mentions.model import Entity, Mention
    from transforms.quotes.referents import speaker_kind
    from transforms.quotes.speakers import Attribution

    doc = nlp(f"{name} said it was over.")
    n = len(name.split())
    m = Mention(0, n, 0, len(name), name, "ORG", "ner", entity=Entity("ORG", "ORG", name))
    assert speaker_kind(Attribution(speaker=doc[0:n], mention=m)) == kind


def test_the_organisation_s_spokesman_named_before_is_that_person(nlp):
    text = (
        'Toyota spokesman Jerry Giaquinta told Reuters: "No decision has been made on the new '
        'line."\n\nThe trade paper Motor Week reported that Toyota would announce the division '
        'this year.\n\nThe Toyota spokesman said, "The article is based on speculative '
        'assumptions."'
    )
    got = direct(nlp, text)
    assert [(s, n, k) for _, s, n, k in got] == [
        ("Toyota spokesman Jerry Giaquinta", "Jerry Giaquinta", "person"),
        ("The Toyota spokesman", "Jerry Giaquinta", "person"),
    ]
    # none named: the spokesman of an organisation speaks for it
    text = (
        "A Toyota spokesman said the plant would close. "
        '"The article is based on speculative assumptions," the Toyota spokesman said.'
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("the Toyota spokesman", "Toyota", "organisation")
    ]


def test_a_leader_noun_is_the_head_the_text_titled_otherwise(nlp):
    # "chief", "boss" for whoever heads the organisation named in the phrase; a lowercase
    # word shared ("the head of the police's investigators") is no organisation's name
    text = (
        "Ford chairman Tom Baker met Teamsters president Ana Lopes on Monday. "
        "“We will not strike,” the Teamsters chief said. “We will see,” the Ford boss said."
    )
    assert [(s, n) for _, s, n, _ in direct(nlp, text)] == [
        ("the Teamsters chief", "Ana Lopes"),
        ("the Ford boss", "Tom Baker"),
    ]


def test_he_after_an_unnamed_speaker_nearer_than_the_named_person_is_that_speaker(nlp):
    text = (
        "Staff said they had written to chief executive John Reed. “We are seriously "
        "considering legal action,” a senior bank employee told Reuters. “There has been no "
        "consultation with staff,” he added."
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("a senior bank employee", None, "nominal"),
        ("he", None, "nominal"),
    ]


def test_he_after_an_unnamed_subject_of_a_verb_of_saying_in_the_sentence_before(nlp):
    # the spokesman brought in by the sentence before (no quotation of his own) is "he",
    # and speaks for the organisation named in his phrase
    text = (
        "“We are getting the aircraft on very favorable terms,” Robert Crandall told a "
        "briefing. A spokesman for Airbus confirmed those terms. “We will own the aircraft "
        "and they will be leasing them from us,” he said."
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("Robert Crandall", "Robert Crandall", "person"),
        ("he", "Airbus", "organisation"),
    ]
    # a spokeswoman is no "he"
    text = text.replace("A spokesman", "A spokeswoman")
    assert [n for _, _, n, _ in direct(nlp, text)] == ["Robert Crandall", "Robert Crandall"]


def test_he_after_a_described_speaker_in_the_sentence_before_is_whom_the_description_names(nlp):
    # the subject of the sentence before, a definite description, is the likeliest "he"; the
    # "he" of the next sentence goes on with him (not the person named before both)
    text = (
        "Acme Corp plans to move its offices. “We have looked at five sites,” said Tom Baker, "
        "a vice president. The Acme spokesman said another option was to stay. “The first "
        "step would be to get drawings,” he said. He added that the timing was unclear. “This "
        "is a major undertaking,” he said."
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("Tom Baker", "Tom Baker", "person"),
        ("he", "Acme", "organisation"),
        ("he", "Acme", "organisation"),
    ]


def test_he_after_an_unnamed_trader_is_the_trader(nlp):
    # "trader" is a noun for a person (transforms/data/speaker_nouns.txt)
    text = (
        "“Prices will fall,” said Tom Baker, an analyst at Acme Corp. One senior floor trader "
        "said the room needed work. “There is talk of a move,” he said."
    )
    assert [(s, n, k) for _, s, n, k in direct(nlp, text)] == [
        ("Tom Baker", "Tom Baker", "person"),
        ("he", None, "nominal"),
    ]


def test_the_report_far_from_its_issuer_is_the_report_that_spoke_last(nlp):
    # more sentences between than the issuer scan looks back: the same report as the last
    # one that spoke, unless its own words tell another report
    filler = " ".join(f"Exports of product {n} fell by {n} pct last year." for n in range(1, 15))
    text = (
        "Indonesia is nearing a crossroads, the U.S. Embassy says in a new report. “Growth is "
        "close to zero,” the U.S. Embassy report says. " + filler + " “Growth in the non-oil "
        "sector is low,” the report states."
    )
    assert [(s, n) for _, s, n, _ in direct(nlp, text)] == [
        ("the U.S. Embassy report", "U.S. Embassy"),
        ("the report", "U.S. Embassy"),
    ]
    other = text.replace("the report states", "the Republican report states")
    assert [n for _, _, n, _ in direct(nlp, other)] == ["U.S. Embassy", None]


def test_the_sentence_before_a_pronoun_is_the_writer_s_not_the_quotation_s(nlp):
    # the spokesman's quotation holds two sentences: the writer's sentence before "He" is
    # the one that brought the spokesman in
    text = (
        "Treasury Secretary James Baker cancelled his trip to Tokyo. The Treasury spokesman, "
        "who asked not to be identified, said, “I would not draw any conclusion from the "
        "cancellation. I would just say it is the press of business.” He said the visit was "
        "“part of the press of business.”"
    )
    assert [(q.speaker_text, q.speaker_name) for q in quotes_of(nlp, text)] == [
        ("The Treasury spokesman", "Treasury"),
        ("He", "Treasury"),
    ]


def test_he_goes_on_with_an_unnamed_subject_of_a_verb_of_thinking(nlp):
    # the subject of the sentence before is the likeliest antecedent: an unnamed trader
    # who "speculated" (a verb of thinking), even with a name in his own sentence's object
    text = (
        "Mark Olsen, an analyst at Baird, said the bid was too low.\n\n"
        "One trader speculated that a higher offer would come soon.\n\n"
        "“It is only a matter of days,” he said.\n\n"
        "Another banker said he expects Daimler to reject Olsen's terms. "
        "“They will walk away,” he said."
    )
    got = [q for q in quotes_of(nlp, text) if q.is_direct]
    assert [(q.text, q.speaker_text, q.speaker_name, q.speaker_kind) for q in got] == [
        ("It is only a matter of days", "he", None, "nominal"),
        ("They will walk away", "he", None, "nominal"),
    ]


def test_she_goes_on_with_a_spokeswoman_two_sentences_back(nlp):
    # "She" opening the sentence before goes on with the spokeswoman: so does "she said"
    text = (
        "Talks between Siemens and Alstom were extended by two weeks.\n\n"
        "A Siemens spokeswoman would not say whether the talks had stalled. She repeated "
        "the company's statement that the deal was complex. “That is all we can say,” she "
        "said."
    )
    got = [q for q in quotes_of(nlp, text) if q.is_direct]
    assert [(q.text, q.speaker_text, q.speaker_name, q.speaker_kind) for q in got] == [
        ("That is all we can say", "she", "Siemens", "organisation"),
    ]


def test_she_after_a_titled_office_in_subject_position_is_its_holder(nlp):
    # "the mayor" is the subject right before "she", nearer than the woman who spoke last
    text = (
        "Mayor Irene Caldwell opened the meeting.\n\n"
        "Outside, Joan Pike, a retired nurse, said the rise was too steep. "
        "“We were never told,” she said.\n\n"
        "The mayor said details would be released next month. Asked by a reporter whether she "
        "would stand again, she laughed. “Ask me after the bills go out.”"
    )
    assert direct(nlp, text)[-1] == (
        "Ask me after the bills go out.",
        "she",
        "Irene Caldwell",
        "person",
    )


def test_she_after_a_relative_in_subject_position_is_not_the_last_speaker(nlp):
    # the subject of the sentence before is the daughter, whom the text does not name: the
    # quotation is hers (nominal), not the mother's who spoke before
    text = (
        "Rosa Delgado, a cleaner, said prices were rising. “I buy less every week,” she said.\n\n"
        "Her daughter, who works in a shop, was less worried. “My wages went up,” she said."
    )
    assert direct(nlp, text)[-1] == ("My wages went up", "she", None, "nominal")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a document in the "in" phrase of any verb in the active is its subject's
        (
            "Brightwater Inc cut 500 jobs in a short statement to reporters. "
            "“These were difficult decisions,” the statement said.",
            ("These were difficult decisions", "the statement", "Brightwater Inc"),
        ),
        # … or of the subject itself
        (
            "Police Minister Tom Baker, in a post on the ministry's account, congratulated the "
            "officers. “Criminals must know the consequences,” the post said.",
            ("Criminals must know the consequences", "the post", "Tom Baker"),
        ),
    ],
)
def test_a_document_in_an_in_phrase_is_its_subject_s(nlp, text, expected):
    assert direct(nlp, text)[-1][:3] == expected


def test_the_company_is_not_a_person_described_with_the_company(nlp):
    # the nearest statement before "the statement" is the one it names: issued by "the
    # company", never by the chief executive whom the text describes with "the company"
    text = (
        "Brightwater announced the cuts on Tuesday in a memo from chief executive Dara Osei, "
        "the company's founder. In the memo, Osei took responsibility.\n\n"
        "The company confirmed the cuts in a short statement. “These were difficult "
        "decisions,” the statement said."
    )
    assert direct(nlp, text)[-1] == (
        "These were difficult decisions",
        "the statement",
        None,
        "nominal",
    )


def test_a_description_before_a_name_in_a_prepositional_phrase(nlp):
    # "with the employers' association, Vereniging Haven Werkgevers (VHW)," describes it
    text = (
        "The strike was called by the dockers' union after talks with the employers' "
        "association, Vereniging Haven Werkgevers (VHW), broke down on Friday.\n\n"
        "“No company can give such a guarantee,” the association said."
    )
    assert direct(nlp, text)[-1][1:] == (
        "the association",
        "Vereniging Haven Werkgevers",
        "organisation",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a representative "for the ministry": the ministry, resolved in turn
        (
            "The Ministry of Transport published new rules for lorries on Monday. A "
            "spokeswoman for the ministry said: “The rules take effect in May.”",
            ("A spokeswoman for the ministry", "Ministry of Transport", "organisation"),
        ),
        # a document owned by an organisation noun ("the institute's report")
        (
            "Karin Dahl leads the fisheries group at the Baltic Marine Institute. She "
            "published the institute's annual report on Friday. “Cod stocks in the east "
            "have collapsed,” the report said.",
            ("the report", "Baltic Marine Institute", "organisation"),
        ),
        # the compound before the compound: "a police press release"
        (
            "Four men were arrested on Tuesday, the Hamburg State Police Office said. "
            "They had posed as roofers, according to a police press release. “The men "
            "are suspected of fraud,” the release said.",
            ("the release", "Hamburg State Police Office", "organisation"),
        ),
    ],
)
def test_an_organisation_noun_in_a_speaker_s_phrase_is_resolved_in_turn(nlp, text, expected):
    assert direct(nlp, text)[-1][1:] == expected


def test_a_noun_before_an_organisation_noun_narrows_its_kind(nlp):
    # "the energy ministry" is not the Interior Ministry named last; the Ministry of Energy is
    text = (
        "The Ministry of Energy approved the dam in May. The Interior Ministry said 14 "
        "people had been detained. “We will not build on graves,” the energy ministry said."
    )
    assert direct(nlp, text)[-1][1:] == (
        "the energy ministry",
        "Ministry of Energy",
        "organisation",
    )


def test_a_copula_after_a_name_the_parser_split_describes_it(nlp):
    # "den" parsed as a verb: "Broeck" is the subject of "is", the name's last word
    text = (
        "Dr. Koen Van den Broeck is the medical director of the Dender Hospital. He has run "
        "it since 2015. “The beds are full,” the medical director said."
    )
    assert direct(nlp, text)[-1][1:] == ("the medical director", "Koen Van den Broeck", "person")


def test_a_startup_or_chipmaker_in_apposition_is_the_company(nlp):
    # "the company" is the firm the text calls a startup, not the one that speaks more often
    text = (
        "Nordvik, the Oslo chip-design startup, said on Monday it would build a lab with "
        "Equinor. Equinor said it would pay half. Equinor said the lab fitted its plans. In a "
        "statement, the company said the lab would open in 2028. “We are betting on demand, "
        "not on hope,” the statement said."
    )
    assert direct(nlp, text)[-1][1:] == ("the statement", "Nordvik", "organisation")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the party named last by its own name, not the latest "… Party" described as a party
        (
            "The Liberal National Party, the state's dominant conservative party, won the seat "
            "in 2020. Maya Reed is running for the Fair Water Alliance party. “We will fight for "
            "water,” the party's website says.",
            (
                "We will fight for water",
                "the party's website",
                "Fair Water Alliance",
                "organisation",
            ),
        ),
        # a place before the noun is no name of its own: "the U.S. company" is Honeybee
        (
            "Honeybee Inc said it knows of no reason for the rise. “Business is continuing as "
            "usual,” the U.S. company said.",
            ("Business is continuing as usual", "the U.S. company", "Honeybee Inc", "organisation"),
        ),
    ],
)
def test_an_organisation_named_in_its_own_phrase(nlp, text, expected):
    assert direct(nlp, text) == [expected]
