"""The furniture rules: each names one kind of page furniture by its shape (see furniture.py)."""

from __future__ import annotations

import re

_AGENCY = (r"(?:CNN(?: ?(?:Business|Politics|Sport|Style|Travel|Health|Weather|Wire))?"
           r"|AP|Reuters|AFP|UPI|Bloomberg)")
_PLACE = r"[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){0,4}"  # "Colombo, Sri Lanka"
_CAPS_PLACE = r"[A-Z][A-Z.'’-]+(?:,? [A-Z][A-Z.'’-]*){0,4}"  # "ROCHESTER, N.Y."
_DASH = r"(?:—|–|--?)"
# "CNN —", "Washington CNN —", "NEW YORK (AP) —", "(CNN)", "ROCHESTER, N.Y. –"; an all-caps
# place needs its dash and a capital after it, so "NATO said" or "I — it" never match
DATELINE = re.compile(
    rf"(?:(?:{_PLACE} )?\(?{_AGENCY}\)? ?{_DASH}(?= |$)"
    rf"|(?:{_PLACE} )?\({_AGENCY}\)(?= |$)"
    rf"|{_CAPS_PLACE} {_DASH}(?= [\"“‘A-Z0-9]))"
    r" *"
)

_AGENCIES = ("Getty Images|Reuters|AFP|AP|EPA(?:-EFE)?|Shutterstock|Bloomberg|Pool|Handout"
             "|Sipa USA|Imagn|NurPhoto|SOPA Images|LightRocket|ZUMA Press|Anadolu Agency"
             "|USA TODAY(?: Sports| NETWORK| Network)?|Redux|Alamy|picture alliance|CNN")
_CREDIT_NAME = r"(?:[A-Z][\w'’-]*|[A-Z]\.)"  # "Santiago", "M." but not "Seattle."
_CREDITED = (rf"(?:{_CREDIT_NAME}|-)(?: (?:{_CREDIT_NAME}|of|the|de|van|von|da|del|la)){{0,5}}"
             rf" ?/ ?(?:[\w .'’&-]{{1,40}} ?/ ?){{0,4}}(?:{_AGENCIES})")
# a photo's credit after its caption ("… on July 13. Name/AFP/Getty Images"), "(AP Photo/Name)";
# the caption stays: it can hold the only mention of a fact
PHOTO_CREDIT_TAIL = re.compile(
    rf"(?:^|(?<= )){_CREDITED}$"
    # "… to heat his home this winter. Courtesy Martin Silva": a reader's photo, credited
    r"|(?:^|(?<=[.!?”\"’)] ))Courtesy(?: of)? [A-Z][\w'’.-]*(?: (?:[A-Z][\w'’.-]*|of|the|and|&))"
    r"{0,5}$"
    r"|(?:^| )\((?:AP |AFP )?Photo(?: by |/)[^()]{1,100}\)$|(?:^| )(?:[\w-]+ )?via Getty Images$")
# the credit leading a caption ("Name/AFP/Getty Images Firefighters try to…") and agency
# caption heads ("FILE - In this photo…", "WASHINGTON, DC - APRIL 26: A worker…")
PHOTO_CREDIT_HEAD = re.compile(
    rf"^(?:{_CREDITED}(?= [A-Z\"“])|(?:FILE|TOPSHOT) [-–—](?= )"
    rf"|{_CAPS_PLACE} - [A-Z]+ \d{{1,2}}:(?= )) *")
# a link to a gallery closing a caption ("… on Wednesday. See photos from the flood The week
# in 36 photos", "… has risen. In photos: Storm hits the harbour"), or a line of its own
GALLERY_TAIL = re.compile(
    r"(?:^|(?<= ))(?:(?:See|View) (?:more |the |all )?(?:photos|pictures|images) (?:from|of)"
    r" [^.!?\n]{1,80}?(?: The week in \d+ photos)?|In (?:photos|pictures): [^.!?\n]{1,100}"
    r"|The week in \d+ photos)$")
# a credit line a page glued to the paragraph before it: "… at strawberry harvest
# time.Contributing: The Associated Press"
CREDIT_TAIL = re.compile(r"(?<=[.!?\"”’])\s?Contributing: [A-Z][^.!?\n]{0,120}$")
# a label glued to a headline: "POLITICS:Headline", "COVID-19:Headline", never "at 1:30"
_GLUED = r"(?:(?<=[A-Za-z?'’)]):(?=[A-Z0-9\"'“‘’])|(?<=\d):(?=[A-Z\"'“‘’]))"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("gallery caption", re.compile(r"\bHide Caption \d+ of \d+$|\bPrev Next$")),
    # "Photos: <gallery name>" with nothing after it: a link to a gallery
    ("gallery caption", re.compile(r"^Photos?: .{1,80}(?<![.!?])$")),
    # a link to a gallery: "The best photos from the 2022 Tony Awards", "PHOTOS OF EAGLES IN
    # PHOENIX 2018:", "Photos of the week" (not a section's heading: "Photos of suffering")
    ("gallery caption", re.compile(
        r"^(?:The (?:best|top) (?:photos|pictures|images) (?:from|of) [^.!?]{1,80}"
        r"|PHOTOS (?:OF|FROM) [^a-z.!?]{1,80}:?|Photos of the (?:day|week))$")),
    # a related story glued to a label: "More:Headline", "POLITICS:Headline", "►Headline"
    ("teaser", re.compile(r"^►? ?(?:More|MORE|Related|RELATED|READ MORE|SEE ALSO)"
                          r"(?: [A-Z][a-z]+)?:(?: ?\S|$)")),
    # "More AP NHL: https://…": a label over links
    ("teaser", re.compile(r"^[\w' ]{1,40}: (?:(?:https?://|www\.)\S+(?:,? and |, | |$))+$")),
    ("teaser", re.compile(rf"^►? ?[A-Z][A-Z0-9'’&.,-]+(?: [A-Z0-9'’&.,-]+){{0,7}}{_GLUED}"
                          r"(?!(?:\S+ ){45})")),
    ("teaser", re.compile(rf"^►? ?[A-Z][^:.!?]{{1,60}}{_GLUED}(?!(?:\S+ ){{30}}).*[^.:]$")),
    ("teaser", re.compile(r"^► ?[^.!?\"”]{1,160}$")),
    # a label glued to a related story's headline and a blurb that promises it: "It's a
    # bear:We're in a bear market – again. Here is what that means in seven charts." ("Salem:The
    # county moved into Phase 2 on Friday, officials said." is a state roundup's news item)
    ("teaser", re.compile(rf"^►? ?[A-Z][^:.!?]{{1,60}}{_GLUED}(?!(?:\S+ ){{25}})"
                          r".*\bHere(?:['’]s| is| are)\b")),
    # a quoted label glued to a related headline: "'Red alert':Lake Mead falls to lowest level"
    ("teaser", re.compile(r"^►? ?[\"“'‘][^\n]{1,80}?[\"”'’]:(?=[A-Z0-9\"'“‘])")),
    # a question glued to a related headline: "What is NATO?:Military alliance in spotlight…"
    ("teaser", re.compile(r"^►? ?[A-Z\"“'‘][^?\n]{0,100}\?:(?=[A-Z0-9\"“'‘])")),
    ("read more", re.compile(r"^(?:Read More|READ MORE|Read more|Advertisement|ADVERTISEMENT)$")),
    # an embedded video's player text: "JUST WATCHED <title> Replay More Videos ... MUST WATCH
    # <title> 02:33", "Video Ad Feedback 01:15 - Source: CNN <title>"
    ("video teaser", re.compile(r"^(?:JUST WATCHED|MUST WATCH|Video Ad Feedback) ")),
    ("fact-check note", re.compile(r"^Our fact[ -]check work is supported\b.{0,80}$")),
    # a note about the page, not news: "Editor's note: This page recaps the news from…", "…
    # This story has been updated to correct…", "… Sign up for…", an opinion writer's bio
    ("editor's note", re.compile(r"^Editor['’]s [Nn]ote: ")),
    # "• Location: Washington D.C.": a listicle's data row, not a sentence
    # (a short sentence after the label is a tip: "• Book early: Fares rise.")
    ("list metadata", re.compile(r"^[•·▪] ?[A-Z0-9][\w'’.,()/&%-]*(?: [\w'’.,()/&%+-]+){0,11}: "
                                 r"(?:\S+(?: \S+){0,2}|\S+(?: \S+){0,11}(?<![.!?]))$")),
    ("separator", re.compile(r"^[_—–\-=*•·~#]+$")),
    # a newsletter's host says hello: "👋 It's Julius here with Monday's news."
    ("newsletter greeting", re.compile(r"^👋")),
)

_NAME = r"[A-Z][\w.'’-]+"
_NAMES = rf"{_NAME}(?: (?:{_NAME}|and|de|van|von|la|&))*"
_WHEN = re.compile(r"^By (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January"
                   r"|February|March|April|May|June|July|August|September|October|November"
                   r"|December|Christmas|Election|Labor|Memorial)\b")
_CREDITS = (
    re.compile(rf"^(?:The )?(?:Associated Press|USA TODAY(?: Sports| Network)?|{_AGENCY}"
               r"|The Week(?: Staff)?)$"),
    re.compile(rf"^By {_NAMES}(?:, {_NAMES})?$"),
    re.compile(r"^(?:Contributing|Contributors?): .{0,1000}$"),
    re.compile(r"^(?:(?:Additional )?[Rr]eporting by [A-Z]|Edit(?:ed|ing) by [A-Z]).{0,300}"
               r"(?<![.!?])$"),
    re.compile(r"^(?:AP|Associated Press|CNN|USA TODAY) (?:[A-Z][\w-]* ){0,3}(?:Writer|Reporter"
               r"|Correspondent|Editor)$"),
    re.compile(r"^From (?:the )?[A-Z][\w ]{0,40}(?:wire|staff) reports$"),
    re.compile(r"^.{0,300}\bcontributed (?:to )?(?:this|the) (?:report|story)(?:ing)?\.?$"),
)

_DASH_BYLINE = re.compile(rf"^[—–-] ?{_NAMES}(?:, {_NAMES})?$")  # "– Ryan Ford, Free Press"
# a promotion pitches the outlet (its paragraph goes with it); a link only points elsewhere.
# A pitch speaks to the reader ("your inbox", "our newsletter", "would you like"); news about
# newsletters and subscriptions speaks of others ("its subscribers", "her newsletter")
_PROMOTION = re.compile(
    r"\b(?:sign up (?:\w+,? ){0,3}here|sign up (?:for|to get) [^.]{0,60}newsletter"
    r"|newsletter[^.]{0,60}sign up"
    r"|delivered (?:right |straight )?(?:to|in) your inbox|updates in your inbox"
    r"|(?:news|stories|updates|headlines) straight to your inbox"
    r"|never miss our (?:top |latest |best )?(?:stories|news|updates|headlines)"
    r"|we['’]ll be in your inbox|(?-i:Get) (?:the |our )?(?-i:[A-Z])[\w'’ ]{0,40} in your inbox"
    r"|subscribe to [\w.]+ today|please consider a subscription"
    r"|subscribe to our [^.]{0,40}?(?:newsletter|edition|podcast)"
    r"|(?:get|follow) (?:my|our) (?:free )?[^.]{0,30}newsletter"
    # the outlet's newsletter describing itself: "The Daily Tide newsletter provides you with…",
    # "…to manage your newsletter subscription", "Tide Notes is our snappy news roundup";
    # "Your subscription makes work like this possible"
    r"|newsletter (?:provides|gives|brings|sends) you|manage your newsletter subscription"
    r"|listen to an audio version of (?:the|this|our) newsletter"
    r"|is (?:an? (?:[\w-]+ )?(?:USA TODAY|CNN)|our(?: [\w-]+)?) news roundup"
    r"|stories we link to [^.]{0,20}subscriber|activate your digital account"
    r"|subscription (?:makes|helps support|helps make) (?:work|stories|journalism) like th"
    r")\b"
    r"|^(?:(?:Please )?support (?:\w+ )?(?:local )?journalism|Become a (?:digital )?subscriber"
    # "Support his work … by purchasing a digital subscription today", told to the reader; "the
    # paper urged readers to support…" is news, "users avoid ads by subscribing" names no work
    r"|(?:Help )?support (?:[\w'’]+ ){0,8}?(?:journalists?|journalism|reporters?|work)"
    r" (?:[\w'’]+ ){0,4}?by (?:subscribing|becoming a (?:digital )?subscriber"
    r"|purchasing a (?:digital )?subscription)"
    r"|Consider supporting (?:our|local|quality) journalism|Subscribe to|Consider subscribing"
    r"|Thank you for supporting (?:our|local|quality) journalism"
    r"|A version of this story (?:first )?appeared in"
    # "Want this roundup in your inbox every night?", "Would you like to receive the Daily
    # Tide newsletter?"; "Want fewer scam emails in your inbox?" is advice
    r"|Want (?:this|these|the|our|more [\w ]{0,20}like this)\b[^.?]{0,50} in your inbox"
    r"|Would you like to (?:receive|get|sign up for) [^.?]{0,60}newsletter"
    r"|Sign up and you['’]ll get"
    # "NEVER MISS A MOMENT: Subscribe to…", "Don't miss an update with the Tide Watch newsletter"
    r"|(?:Don['’]t|Never) miss (?:a|an|another) [^.]{0,60}(?:newsletter|subscribe|sign up|inbox)"
    r")\b"
    # a newsletter's own heading over its text ("This is the weekly edition of the Tide
    # newsletter."), its name over its pitch ("Tides Together: A newsletter about coping with
    # floods"), a teaser for a subscriber-only story, "Opinions in your inbox: Get the best…"
    r"|^(?:This (?:story |article )?is (?:the [\w-]+ edition of|part of) [^.]{0,50}newsletter\.?$"
    r"|[^.:]{1,40}: (?-i:A)n? (?:[\w-]+ )?newsletter (?:about|for|on) [^.!?]{1,100}$"
    r"|(?:For subscribers|Subscriber exclusive):|Not (?:yet )?a subscriber\?"
    r"|(?:[\w ]{1,30} )?in your inbox: (?:Get|Stay|Sign)\b)"
    r"|^(?:Follow|Join) (?:us|him|her|them|(?-i:[A-Z])[^.]{0,60}) on (?:Twitter|Facebook"
    r"|Instagram)\b"
    # the outlet's podcast: "Prefer to listen? Check out the 5 Things podcast:", "LISTEN TO
    # OUR PODCAST", "… wherever you get your podcasts"
    r"|^Prefer to listen\?|^(?:Check out|Listen to) (?:the|our|my) [^.]{0,40}podcast\b"
    r"|\bwherever you get your podcasts\b"
    # a roundup's turn from its intro to its items: "Here's what you need to know to Get Up to
    # Speed and On with Your Day."
    r"|^Here['’]s what (?:else )?you need to know to (?:Get Up to Speed|start your day)\b",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"\b(?:click here|on the form below)\b|^(?:Click|Tap) here\b"
    r"|^Read more(?:[.,:!]|$| \+| (?:here|about|on|at|from|of our|opinion|commentary)\b)"
    # the weather box: "🌤 What's the weather up to in your neck of the woods? Check your local
    # forecast here."
    r"|\bcheck your (?:local )?forecast here\b|^\W*what['’]s the weather (?:up to |like )?in "
    r"your neck of the woods\b",
    re.IGNORECASE,
)


_NOTE_WHAT = (r"(?:reporting|details?|information|developments|reaction|context|comments?|updates"
              r"|quotes)")
# A note that the page changed, and nothing else: "This story has been updated with additional
# reporting." A correction says what was wrong and what is right ("Correction: … It was 50
# million barrels.", "… updated to correct the GDP of Ukraine, which was $155.5 billion"): it
# holds news, and stays
_UPDATE_NOTE = re.compile(
    r"^\(?(?:This|The) (?:story|article|post|report|page) (?:has been|was|will be|is being)"
    r" updated(?: with (?:additional|more|new|further|the latest)"
    rf"(?: [\w-]+){{0,2}}? {_NOTE_WHAT}(?: and(?: [\w-]+){{0,2}}? {_NOTE_WHAT})?"
    r"(?: (?:of|on|about|from) [^\d\n]{1,80}?)?)?"  # "… new details of a text message …"
    r"(?: (?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"| throughout the day)?[.!]?\)?$")


def is_update_note(sentence: str) -> bool:
    """True for a sentence that only says the page was revised, closing a paragraph of news
    ("… in Michigan. This story has been updated with additional details.")."""
    return sentence.startswith(("This ", "The ", "(This ")) and bool(_UPDATE_NOTE.match(sentence))


def line_rule(line: str) -> str | None:
    """The name of the rule a whole line is furniture by, or None."""
    for name, pattern in _RULES:
        if pattern.search(line):
            return name
    return credit_rule(line)


def credit_rule(line: str) -> str | None:
    """"credit" for a byline or credit line ("By A. Writer", "Contributing: AP"), else None."""
    if len(line) > 1000 or _WHEN.match(line):
        return None
    if any(p.match(line) for p in _CREDITS[:-1]) or (
            "contributed" in line and _CREDITS[-1].match(line)):
        return "credit"
    return None


def context_rule(line: str, before: str, after: str) -> str | None:
    """Furniture by its neighbours: a "Name" line over "USA TODAY", a "– Name" byline, a
    newsletter's aside after its hello."""
    if _CREDITS[0].match(after) and re.fullmatch(rf"{_NAMES}(?:, {_NAMES})?", line) and (
            len(line.split()) <= 6 and not _CREDITS[0].match(line)):
        return "credit"
    # "– Name" between paragraphs; beside another dash line it is a list item ("- Paris")
    if _DASH_BYLINE.match(line) and not any(n[:1] in "—–-" for n in (before, after) if n):
        return "credit"
    # the host's aside after the hello ("But first, get a free Slurpee today!"): a curiosity
    # before the roundup's news, which a quote of its first item would otherwise run into
    if before.startswith("👋") and line.startswith("But first"):
        return "newsletter greeting"
    return None


# every call to action holds one of these: the regexes run only where one is (4x faster)
_CUES = ("sign up", "inbox", "newsletter", "subscri", "journalism", "follow", "join", "version of",
         "click", "tap here", "read more", "form below", "roundup", "never miss", "podcast",
         "prefer to listen", "forecast here", "neck of the woods", "up to speed")


def is_promotion(sentence: str) -> bool:
    """True for a sign-up, subscribe or follow-us sentence."""
    return _cued(sentence) and bool(_PROMOTION.search(sentence))


# the reader addressed ("If your day doesn't start until you're up to speed…, let us introduce
# you to your new favorite morning fix."), nobody quoted
_TO_READER = re.compile(r"\b(?:you|your|you['’](?:re|ll|ve|d))\b", re.IGNORECASE)


def speaks_to_reader(sentence: str) -> bool:
    """True for a sentence that addresses the reader and quotes nobody: beside a sign-up
    prompt in a short paragraph, it is the pitch's opening, not news."""
    return bool(_TO_READER.search(sentence)) and not any(q in sentence for q in "\"“”")


def is_call_to_action(sentence: str) -> bool:
    """True for a promotion or a click-here / read-more sentence."""
    return _cued(sentence) and bool(_PROMOTION.search(sentence) or _LINK.search(sentence))


def _cued(sentence: str) -> bool:
    lowered = sentence.lower()
    return len(sentence.split()) <= 60 and any(cue in lowered for cue in _CUES)
