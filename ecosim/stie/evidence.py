"""The evidence index: keys of the project's published figures (docs/evidence.md).

STIE cards and target checks cite evidence by key. This module holds each key's reliability
tier and a short source; the figures themselves are in ``docs/evidence.md`` (a copy of the
workspace's shared/EVIDENCE.md), which ``tests/test_registry.py`` checks this index against.
Tier A: read in the primary source. B: secondary coverage only. C: unreviewed working paper,
a plausibility check and never a target.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """One entry of docs/evidence.md: its key, best reliability tier and a short citation."""

    key: str
    tier: str
    source: str
    figure: str


def _s(key: str, tier: str, source: str, figure: str) -> tuple[str, Source]:
    return key, Source(key, tier, source, figure)


EVIDENCE: dict[str, Source] = dict(
    [
        # Targets
        _s("T-SO-gap", "A", "del Rio-Chanona, Laurentsyeva & Wachs, PNAS Nexus 2024",
           "-16% weekly posts (A); about -25% within six months (B)"),
        _s("T-SO-visits", "A", "Burtch, Lee & Chen, Communications of the ACM",
           "about -12% average daily visits after four months"),
        _s("T-traffic-lt-posts", "B", "Stack Overflow, in secondary coverage",
           "about 5% less traffic in 2023 than 2022"),
        _s("T-popular-topics", "A", "del Rio-Chanona et al. 2024",
           "decline larger for the most widely used languages"),
        _s("T-no-quality-drop", "A", "del Rio-Chanona et al. 2024", "qualitative"),
        _s("T-wiki-modest", "A", "Reeves, Yin & Simperl, arXiv 2405.10205; WMF Oct 2025",
           "no fall through 2023, slower growth (A); about -8% human pageviews 2025 (B)"),
        _s("T-social-fabric", "A", "Burtch, Lee & Chen, CACM",
           "communities lacking social fabric suffer most"),
        _s("T-concentration", "A", "van Mierlo 2014; Suh et al. 2009; Wales 2006",
           "top 1% produce 74.7% of content; <25% ever post"),
        _s("T-core-stable", "B", "Wikimedia statistics; Economist 2014",
           "active editors 54,510 -> ~30,000; very active 4,800 -> ~3,300-3,458"),
        _s("T-replace-vs-accumulate", "A", "Gerstgrasser et al. 2024; Shumailov et al. 2024",
           "replace: error grows linearly; accumulate: bounded"),
        _s("T-tipping", "C", "Acemoglu, Kong & Ozdaglar, NBER WP 34910 (2026)", "theory"),
        # Observed series (the calibration window ends with 2023)
        _s("O-SO-questions", "B", "public data dump, in a third-party analysis (2025)",
           "new questions a month, 2015-2023: 258,810 (2015) ... 196,603 (2022), "
           "123,436 (2023)"),
        _s("O-SO-trend", "B", "derived from O-SO-questions",
           "-1.4%, -8.5%, -5.9% a year in 2017-2019; -14.3% (2021), -10.5% (2022)"),
        _s("O-SO-adoption", "B", "E-devsurvey", "44% (2023), 62% (2024)"),
        # Mechanisms
        _s("E-participation", "A", "Nielsen 2006", "90-9-1"),
        _s("E-pew-clicks", "B", "Pew Research Center, Jul 2025",
           "clicks 8% with AI summary vs 15% without; 1% on a link inside the summary"),
        _s("E-kabir", "B", "Kabir et al., CHI 2024",
           "52% of answers incorrect; preferred 35%; misinformation overlooked 39%"),
        _s("E-devsurvey", "B", "Stack Overflow Developer Survey 2024",
           "using AI tools 44% (2023) -> 62% (2024); using or planning 70% -> 76%"),
        _s("E-capability-steps", "A", "SSRN 4867815 (2024)",
           "GPT-4's release further reduced contributions"),
        _s("E-zhang-zhu", "A", "Zhang & Zhu, AER 101(4) 2011",
           "contributions fell 42.8% when the mainland audience was blocked"),
        _s("E-huberman", "A", "Huberman, Romero & Wu 2009", "form only"),
        _s("E-motives", "A", "Algan et al. 2013; Anderson et al. 2013; Hoernle et al. 2022",
           "5-30% of badge earners respond to badges"),
        _s("E-mamykina", "A", "Mamykina et al., CHI 2011",
           "92% of questions answered; median first answer 11 minutes"),
        _s("E-funnel", "A", "English Wikipedia 2015 dump analysis",
           ">20% reach >=5 edits/month within a year; <1% reach >=100/month"),
        _s("E-shog9", "A", "Meta Stack Overflow 2016",
           "answered newcomers come back; peak March 2014 with 289,103 questions"),
        _s("E-retention", "A", "Wikimedia Research",
           "new editors still editing after 300 days: 25.9% (2005) -> 7.2% (2009); "
           "each revert lowers survival by about 15% (B)"),
        _s("E-halfaker", "A", "Halfaker, Geiger, Morgan & Riedl 2013",
           "good-faith newcomers increasingly rejected since 2007"),
        _s("E-wmf-loop", "A", "Wikimedia Foundation, Oct 2025", "statement of the loop"),
        _s("E-lyu", "A", "Lyu et al., arXiv 2503.00757", "form only"),
        _s("E-lazaridou", "A", "Lazaridou et al., NeurIPS 2021", "form only"),
        _s("E-cutoff", "B", "Cheng et al., COLM 2024", "form only"),
        _s("E-data-value", "A", "Vincent & Hecht, CSCW 2021",
           "20% of the data gets 80% of the way to best-case performance"),
        _s("E-training-mix", "A", "Touvron et al. 2023",
           "Wikipedia 4.5% of sampling, StackExchange 2.0%"),
        _s("E-shumailov", "A", "Shumailov et al., Nature 2024",
           "gibberish by generation 9; keeping 10% original data mitigates (B)"),
        _s("E-gerstgrasser", "A", "Gerstgrasser et al. 2024", "replace vs accumulate"),
        _s("E-data-leverage", "A", "Vincent et al., FAccT 2021; Vincent, Hecht & Sen 2019",
           "framework; strike effectiveness form only"),
        _s("E-collectives", "A", "Karan et al. 2025; Hardt et al. 2023",
           "a second collective cuts efficacy by up to 75%"),
        _s("E-determinism", "B", "Thinking Machines Lab, Sep 2025",
           "1,000 runs gave 80 distinct completions"),
        _s("E-so-ban", "B", "Meta Stack Overflow policy post, Dec 2022",
           "temporary ban of ChatGPT-generated answers from 5 December 2022"),
        _s("E-complexity", "C", "student project, 'Overflow Under-Flowed' (2025)",
           "scripting-language questions -39.5%; remaining questions more complex"),
        _s("E-releases", "A", "the vendors' release announcements",
           "ChatGPT 30 Nov 2022; GPT-4 14 Mar 2023; GPT-4o 13 May 2024; "
           "Claude 3.5 Sonnet 20 Jun 2024"),
    ]
)
