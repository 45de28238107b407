"""Page furniture out: every rule removes its furniture and leaves a near miss alone."""

from __future__ import annotations

import pytest

from ingest.furniture import furniture_cuts, is_furniture_title, strip_furniture

NEWS = "The Port Halden flood barrier closed for the first time on Tuesday, officials said."

# (rule, furniture line, a near miss that is news and must stay whole)
LINES = [
    ("gallery caption", "Photos: Harbour storm A crane lifts the gate. Hide Caption 3 of 12",
     "Photos taken on Tuesday show the gate lifting, Hide said."),
    ("gallery caption", "The gate rises at dawn. Jo Poe/Getty Images Crowds watch. Prev Next",
     "The council will vote next week on the prev next plan."),
    ("gallery caption", "Photos: Port Halden's storm season",
     "Photos: the council released images of the damage on Tuesday."),
    ("gallery caption", "The best photos from the 2026 Harbour Festival", "Photos of the flood"),
    ("gallery caption", "PHOTOS OF THE HARBOUR FESTIVAL 2026:",
     "The best photos from the festival were shown in the town hall on Tuesday."),
    ("photo credit", "Jane Roe/Harbour Wire/Getty Images",
     "Getty Images said on Tuesday it would cut 10 jobs in Port Halden."),
    ("teaser", "More:Harbour council delays vote on barrier tolls",
     "More than 200 people attended: the most ever, the council said."),
    ("teaser", "► MORE:Harbour council delays vote on barrier tolls",
     "►The mayor apologised on Tuesday for the delay."),
    ("teaser", "FLOOD WATCH:Harbour barrier closes for the first time",
     "NOTE: The barrier closes at 6 p.m. on weekdays."),
    ("teaser", "Fact check:No, the barrier did not fail in the storm",
     "Salem:The county moved into Phase 2 on Friday, officials said."),
    ("teaser", "►Harbour mayor apologises for the delay",
     "Kickoff at 1:30 p.m. ET"),
    ("teaser", "Will the barrier hold?:Engineers test the new gates against a winter storm",
     "Will the barrier hold? Engineers said: Yes, for a century."),
    ("teaser", "'Long overdue':Harbour council names its first woman harbourmaster",
     "'Long overdue,' the harbourmaster said: the council agreed on Tuesday."),
    ("teaser", "More Harbour news: https://example.org/hub and https://example.org/more",
     "The plan, at https://example.org/plan, explains the new timetable."),
    ("teaser", "Tide turns:Harbour stocks slide again. Here is what that means in six charts.",
     "Crowded quays:A weaker pound is good news for visitors. For the crowds, not so much."),
    ("read more", "Read More", "Read more broadly, the ruling covers every port."),
    ("update note", "This story has been updated with additional reporting.",
     "The story was updated on the site, the editor said, after the error surfaced."),
    ("update note", "This story has been updated with additional reaction and details.",
     "This story has been updated to correct the toll, which is $4, not $40."),
    ("call to action", "Prefer to listen? Check out the Harbour Daily podcast:",
     "Listeners prefer the harbour podcast to the radio, a survey found."),
    ("call to action", "🌤 What's the weather up to in your neck of the woods? Check your local "
     "forecast here.", "Check the forecast before sailing, the harbourmaster said."),
    ("video teaser", "JUST WATCHED Harbour gates close Replay More Videos ... MUST WATCH Harbour "
     "gates close 02:33", "Crowds watched the gates close, and the mayor said: must watch."),
    ("video teaser", "Video Ad Feedback 01:15 - Source: CNN See the gates close at dawn",
     "Video of the gates closing was shared widely, officials said."),
    ("fact-check note", "Our fact check work is supported in part by a grant from a foundation.",
     "The fact check was supported by three sources, the editor said."),
    ("editor's note", "Editor’s note: This page recaps the news from Port Halden on Tuesday, "
     "June 23. Follow here for the latest updates.",
     "The editor's note, published on Tuesday, apologised for the error."),
    ("list metadata", "• Population: 21,312", "• Book early: Fares rise as the date nears."),
    ("list metadata", "• Location: Port Halden",
     "• Why it matters: the barrier protects 40,000 homes from winter floods in the region."),
    ("separator", "___", "— and then the gate closed."),
    ("newsletter greeting", "👋 Hi! Jo here with Tuesday's news.",
     "Hi! Jo here, the harbourmaster told the crowd with a wave 👋."),
    ("credit", "USA TODAY", "The Associated Press reported the closure on Tuesday."),
    ("credit", "By Jane Roe", "By Christmas Day"),
    ("credit", "Contributing: Jane Roe, Harbour Herald; The Associated Press",
     "Contributing to the delay was a storm that flooded the yard."),
    ("credit", "Reporting by Jane Roe; Editing by Sam Poe",
     "Reporting by the Herald found the gate was faulty."),
    ("credit", "AP Harbour Writer", "AP writers covered the storm from the harbour."),
    ("credit", "From Harbour Herald Network and wire reports",
     "From wire reports gathered overnight, the outlook worsened."),
    ("credit", "Jane Roe and Sam Poe contributed to this report.",
     "The storm contributed to the report's late delivery."),
    ("call to action", "Sign up for our Harbour newsletter. Get the tide tables first.",
     "Borrowers can sign up at the harbour office."),
    ("call to action", "Follow Jane Roe on Twitter @janeroe.",
     "Follow the money, investigators told the council."),
    ("call to action", "Support local journalism. Subscribe to the Harbour Herald today.",
     "The fund will support local journalism in rural areas."),
    # newsletter and subscription pitches speak to the reader; news about them does not
    ("call to action", "This is the weekly edition of the Herald's flood newsletter. Look out "
     "for it every Monday.", "The council's weekly flood newsletter reached 9,000 homes."),
    ("call to action", "Tide Notes is our snappy news roundup.",
     "Tide Notes, a nightly news roundup, was sold to a rival publisher on Tuesday."),
    ("call to action", "Tide Notes is free, but some stories we link to are subscriber-only.",
     "Some of the council's flood maps are subscriber-only, the clerk said."),
    ("call to action", "Want the Tide Notes newsletter in your inbox every night?",
     "Residents said flood warnings landed in their inboxes every night."),
    ("call to action", "Would you like to receive the Daily Tide newsletter ?",
     "Readers would like to receive the newsletter on paper, a survey found."),
    ("call to action", "The Daily Tide newsletter provides you with a digest of harbour news.",
     "The Daily Tide newsletter provided sailors with tide tables until 2019."),
    ("call to action", "We will use the details you have shared to manage your newsletter "
     "subscription. You agree to our privacy policy.",
     "The harbour authority said it would manage subscriptions to its alert service."),
    ("call to action", "Thank you for supporting our journalism. You can subscribe to our print "
     "edition or app here.", "Members can also subscribe to Harbour TV as a standalone service."),
    ("call to action", "Why are the gates closing? Don't miss an update with the Tide Watch "
     "newsletter", "Through Harbour TV, subscribers get access to the council's meetings."),
    ("call to action", "You can follow Herald reporter Jane Roe on Twitter @janeroe and subscribe "
     "to our free Harbour Money newsletter here.",
     "The operator began moving its subscribers to its newer network in March."),
    ("call to action", "NEVER MISS A TIDE: Subscribe to our Harbour newsletter to stay informed!",
     "The prize money has attracted a mix of sailors to sign up for the opening regatta."),
    ("call to action", "To get unlimited access to harbour news, please subscribe or activate "
     "your digital account today.",
     "Writers have moved to newsletter platforms, where readers pay $5 a month to subscribe."),
    ("call to action", "Tides Together: A newsletter about how to cope with the floods",
     "Tides Together, a newsletter started by two sailors, now funds a flood charity."),
    ("call to action", "What you need to know today: Get Harbour Today in your inbox.",
     "Spam filters get most scam emails out of your inbox, the agency said."),
    ("call to action", "Get the Herald's Daily Edition by email and never miss our top stories "
     "Free Sign Up", "Sailors never miss the tide tables, the harbourmaster said."),
    ("call to action", "You can listen to an audio version of the newsletter by clicking the "
     "same link.", "Jane Roe read an audio version of her newsletter on the Herald's podcast."),
    ("call to action", "For subscribers: Is the barrier worth what it cost?",
     "For subscribers, the Herald's price rises to $9 a month in January."),
]


@pytest.mark.parametrize(("rule", "furniture", "news"), LINES)
def test_each_rule_removes_its_furniture_and_keeps_the_near_miss(
        rule: str, furniture: str, news: str) -> None:
    cleaned, cuts = furniture_cuts(f"{NEWS}\n\n{furniture}\n\n{NEWS}")
    assert cleaned == f"{NEWS}\n\n{NEWS}"
    assert {cut.rule for cut in cuts} == {rule}
    kept = strip_furniture(f"{NEWS}\n\n{news}\n\n{NEWS}")
    assert news in kept


@pytest.mark.parametrize(("line", "after"), [
    ("A crane lifts the gate on Tuesday. Jane Roe/Harbour Wire/Getty Images",
     "A crane lifts the gate on Tuesday."),
    ("Crowds watch the closing gate Jane Roe/AP", "Crowds watch the closing gate"),
    ("Harbour workers check the gate. (AP Photo/Jane Roe)", "Harbour workers check the gate."),
    ("Water spews from a drain in Port Halden on Thursday. Jane Roe/CNN",
     "Water spews from a drain in Port Halden on Thursday."),
    ("Sam Poe checks his flooded cellar on Tuesday. Courtesy Sam Poe",
     "Sam Poe checks his flooded cellar on Tuesday."),
    ("The gate. (Photo by Jane Roe/AFP via Getty Images) AFP via Getty Images", "The gate."),
    ("Jane Roe/AFP/Getty Images Firefighters douse the warehouse.",
     "Firefighters douse the warehouse."),
    ("FILE - In this photo, the barrier stands open.", "In this photo, the barrier stands open."),
    ("PORT HALDEN, NH - MARCH 03: A worker checks the gate.", "A worker checks the gate."),
])
def test_a_photo_credit_is_cut_and_its_caption_stays(line: str, after: str) -> None:
    assert strip_furniture(line) == after


@pytest.mark.parametrize(("line", "after"), [
    ("Residents wade through the harbour on Wednesday, June 22. See photos from the flood The "
     "week in 36 photos", "Residents wade through the harbour on Wednesday, June 22."),
    ("The toll has risen to over 100 people. In photos: Storm hits Port Halden",
     "The toll has risen to over 100 people."),
    ("See photos from the flood", ""),
    ("Protesters gather outside the court on Friday, June 24. The week in 32 photos",
     "Protesters gather outside the court on Friday, June 24."),
    # news that speaks of photos stays
    ("Residents were asked to see photos of the damage at the town hall.",
     "Residents were asked to see photos of the damage at the town hall."),
    ("See more photos of the harbour and the legacy it left behind. The gate opened in 1990.",
     "See more photos of the harbour and the legacy it left behind. The gate opened in 1990."),
    ("The museum shows images from the storm", "The museum shows images from the storm"),
])
def test_a_gallery_link_closing_a_caption_is_cut_and_the_caption_stays(
        line: str, after: str) -> None:
    assert strip_furniture(line) == after


@pytest.mark.parametrize("line", [
    "The closure was first reported by Reuters.",
    "Reuters/Ipsos polling shows most residents back the barrier.",
    "FILE sharing slowed the council's network, officials said.",
    "The storm hit PORT HALDEN - MARCH 03: a date the town remembers.",
    "The photo agency Getty Images",
    "Most residents back the barrier, a poll by SSRS/CNN found.",
    "The gate was repaired at no cost, courtesy of Harbour Works",
    "Free tickets were handed out. Courtesy of the council, every child rode the ferry free.",
])
def test_a_name_like_a_credit_in_news_stays(line: str) -> None:
    assert strip_furniture(line) == line


@pytest.mark.parametrize(("line", "after"), [
    ("WASHINGTON (CNN) — Lawmakers passed the barrier bill.", "Lawmakers passed the barrier bill."),
    ("Port Halden CNN — Lawmakers passed the bill.", "Lawmakers passed the bill."),
    ("(CNN) Lawmakers passed the bill.", "Lawmakers passed the bill."),
    ("PORT HALDEN, N.H. – The barrier closed.", "The barrier closed."),
    ("NEW YORK (AP) — Stocks fell.", "Stocks fell."),
    ("CNN —", ""),
])
def test_a_dateline_is_cut_and_its_sentence_stays(line: str, after: str) -> None:
    assert strip_furniture(line) == after


@pytest.mark.parametrize("line", [
    "CNN reported on Tuesday that the barrier closed.",
    "NATO said the harbour would stay open.",
    "NASA – the agency – launched a probe.",
    "I — it was the storm — never saw it coming.",
])
def test_a_name_at_the_start_of_news_is_no_dateline(line: str) -> None:
    assert strip_furniture(line) == line


def test_the_page_chrome_above_a_dateline_line_goes() -> None:
    page = "Watch: the mayor on the storm\n\nA crane lifts the gate.\n\nCNN —\n\n" + NEWS
    cleaned, cuts = furniture_cuts(page)
    assert cleaned == NEWS
    assert [c.rule for c in cuts] == ["lead-in", "lead-in", "dateline"]


def test_text_without_a_dateline_line_keeps_its_opening() -> None:
    text = "Watch the harbour closely this winter.\n\n" + NEWS
    assert strip_furniture(text) == text


def test_a_name_over_an_outlet_is_a_byline_but_a_name_line_alone_is_not() -> None:
    assert strip_furniture(f"Jane Roe\nUSA TODAY\n{NEWS}") == NEWS
    assert strip_furniture(f"Port Halden\n{NEWS}") == f"Port Halden\n{NEWS}"


def test_a_dash_byline_goes_but_a_dash_list_stays() -> None:
    assert strip_furniture(f"{NEWS}\n\n– Jane Roe\n\n{NEWS}") == f"{NEWS}\n\n{NEWS}"
    listed = f"{NEWS}\n- Port Halden\n- New Harbour\n{NEWS}"
    assert strip_furniture(listed) == listed


def test_call_to_action_sentences_go_and_the_news_around_them_stays() -> None:
    line = f"{NEWS} For the latest news, click here."
    assert strip_furniture(line) == NEWS
    line = "Jane Roe reported from Port Halden. Contributing: Sam Poe, Harbour Herald"
    assert strip_furniture(line) == "Jane Roe reported from Port Halden."
    line = f"{NEWS[:-1]} on Tuesday.Contributing: The Associated Press"  # glued by the page
    assert strip_furniture(line) == f"{NEWS[:-1]} on Tuesday."
    # a pitch in the last sentence takes only itself: the news before it stays
    line = f"{NEWS} Sign up here to hear when the application opens."
    assert strip_furniture(line) == NEWS
    # questions leading up to a pitch are part of it; a question before news is not
    line = "Enjoying the Tide? Sign up and you'll get it in your inbox. (Most nights, anyway.)"
    assert strip_furniture(f"{line}\n\n{NEWS}") == NEWS
    line = "Will the barrier hold? Engineers said it would. Sign up here for alerts."
    assert strip_furniture(line) == "Will the barrier hold? Engineers said it would."
    # a note on the page's revision, or the weather box, after the news in one paragraph
    line = f"{NEWS} This story has been updated with additional details."
    assert strip_furniture(line) == NEWS
    line = (f"{NEWS} 🌤 What's the weather up to in your neck of the woods? Check your local "
            "forecast here.")
    assert strip_furniture(line) == NEWS


def test_a_pitch_that_talks_to_the_reader_goes_whole_and_a_quote_beside_one_stays() -> None:
    pitch = ("If your morning starts with the harbour's news, let us introduce you to your new "
             "favourite read. Sign up here for the Tide Notes newsletter.")
    roundup = "Here's what you need to know to Get Up to Speed and On with Your Day."
    assert strip_furniture(f"{pitch}\n\n{NEWS}\n\n{roundup}\n\n{NEWS}") == f"{NEWS}\n\n{NEWS}"
    assert strip_furniture(f"{NEWS} {roundup}") == NEWS  # closing the intro's paragraph
    # the intro's lead item first, then the turn to the rest
    item = "But fares, which remain near record levels, are up 60% over the past year."
    turn = "Here's what else you need to know to Get Up to Speed and On with Your Day."
    assert strip_furniture(f"{item}\n\n{turn}\n\n{NEWS}") == f"{item}\n\n{NEWS}"
    quoted = "\u201cIf you live near the gate, stay home,\u201d the mayor said."
    assert strip_furniture(f"{quoted} Sign up here for alerts.") == quoted


@pytest.mark.parametrize("line", [
    "The Herald urged readers to support local journalism by subscribing.",
    "Users can avoid the ads by subscribing to the premium tier.",
    "\"Like and subscribe to our channel,\" the streamer told his fans before the ban.",
    "This is part of why the newsletter business is booming, analysts said.",
    "Her new venture: a newsletter about harbour politics that has 10,000 readers.",
    "Want fewer scam emails in your inbox? Turn on the filter in Settings.",
    "Phishing emails that go straight to your inbox are the biggest risk, the agency said.",
    "For subscribers, the price rises to $9 a month from January.",
    "Tide Notes is a daily business news roundup that was sold for $75 million.",
    "Never miss a payment, the bank told its customers in a letter.",
])
def test_news_about_newsletters_and_subscriptions_stays(line: str) -> None:
    assert strip_furniture(f"{line} {NEWS}") == f"{line} {NEWS}"


def test_cleaning_twice_changes_nothing() -> None:
    page = "\n\n".join(furniture for _, furniture, _ in LINES) + f"\n\nCNN —\n\n{NEWS}"
    once = strip_furniture(page)
    assert strip_furniture(once) == once == NEWS


@pytest.mark.parametrize(("title", "furniture"), [
    ("CNN —", True), ("Washington CNN Business —", True), ("(CNN)", True), ("USA TODAY", True),
    ("By Jane Roe", True), ("Associated Press", True),
    ("Port Halden closes its flood barrier", False), ("CNN poll: most back the barrier", False),
    ("Photos: Port Halden's storm season", False), ("Fact check:No, the gate did not fail", False),
])
def test_a_title_is_furniture_only_when_it_is_a_dateline_or_a_credit(
        title: str, furniture: bool) -> None:
    assert is_furniture_title(title) is furniture


def test_a_newsletters_hello_and_its_aside_go_and_its_news_stays() -> None:
    text = ("The gates closed on Tuesday, the harbour news opens.\n\n👋 Hi! Jo here with "
            "Tuesday's news.\n\nBut first, a giant pretzel! 🥨 A bakery set a record.\n\n"
            f"{NEWS}\n\nBut first, the council must vote, the mayor said.")
    cleaned, cuts = furniture_cuts(text)
    assert cleaned == ("The gates closed on Tuesday, the harbour news opens.\n\n"
                       f"{NEWS}\n\nBut first, the council must vote, the mayor said.")
    assert [cut.rule for cut in cuts] == ["newsletter greeting"] * 2


def test_a_paragraph_printed_twice_in_a_row_is_kept_once() -> None:
    caption = "A crane lifts the gate in Port Halden on Tuesday, June 22."
    cleaned, cuts = furniture_cuts(f"{caption}\n\n{caption}\n\n{NEWS}\n\n{caption}")
    assert cleaned == f"{caption}\n\n{NEWS}\n\n{caption}"  # not back to back: both stay
    assert [cut.rule for cut in cuts] == ["repeated paragraph"]

