"""The pinned spaCy model: the right one is installed, and it is loaded once."""

from nutgraf.facts import nlp


def test_installed_model_is_the_pinned_one():
    # A swapped or re-trained wheel would change every fact downstream: notice it.
    info = nlp.model_info()
    assert info["name"] == nlp.MODEL_NAME
    assert info["version"] == nlp.MODEL_VERSION
    assert info["spacy_version"] == ">=3.7.5,<3.9.0"  # as the official 3.8.0 release
    assert abs(info["ents_f"] - 0.8433) < 0.001


def test_model_loaded_once_per_process():
    assert nlp.load() is nlp.load()


def test_pipeline_has_the_components_facts_read():
    names = set(nlp.load().pipe_names)
    assert {"tagger", "parser", "nutgraf_attributes", "ner"} <= names
    # loaded but run by nutgraf itself: the attribute ruler after the pipe (same result),
    # the lemmatizer per token on demand (lemma())
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.load().component_names)


def test_lemma_on_demand():
    doc = nlp.parse("The ministers were saying that prices had risen.")
    lemmas = {t.text: nlp.lemma(t) for t in doc}
    assert lemmas["were"] == "be"
    assert lemmas["saying"] == "say"
    assert lemmas["ministers"] == "minister"
    assert lemmas["risen"] == "rise"


def test_parse_many_keeps_order():
    docs = list(nlp.parse_many(["First text.", "Second one here.", ""]))
    assert [d.text for d in docs] == ["First text.", "Second one here.", ""]


def test_attributes_match_the_models_own_attribute_ruler():
    import spacy

    # every kind of pattern the model's ruler holds: tag map, word + tag, word + dependency,
    # lists (IN / NOT_IN), regular expressions, two-token patterns that set the second
    # token, whitespace tokens
    text = ("She isn't sure, but they were told that it had been the ministry's plan. "
            "I'd say we're gonna see 3 more.   Prices rose 5% as officials said.\n\n"
            "Y'all ain't seen nothin' yet: there is more, c'mon, let's go. They told me I won, "
            "that you did it and it hurt you.  \t Whether or not this holds, those were gotta-go days. "
            "Do it! He has had enough, hasn't he? What did she do?")
    reference = spacy.load(nlp.MODEL_PACKAGE, disable=["lemmatizer"])(text)
    ours = nlp.parse(text)

    def attrs(doc):
        return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]

    assert attrs(nlp.load()(text)) == attrs(ours)  # the pipeline itself, not a wrapper
    assert attrs(ours) == attrs(reference)
    assert {t.lemma_ for t in ours} >= {"be", "not", "nothing", "you"}  # the exceptions fired


def test_attributes_fall_back_to_spacy_for_patterns_they_cannot_read():
    from nutgraf.facts.attribute_ruler import compile_alternative

    strings = nlp.load().vocab.strings
    assert compile_alternative([{"LOWER": "is", "TAG": "VBZ"}], strings) is not None
    assert compile_alternative([{"LENGTH": {">=": 3}}], strings) is None
    assert compile_alternative([{"LOWER": "a", "OP": "?"}], strings) is None
    assert compile_alternative([{"LOWER": {"FUZZY": "colour"}}], strings) is None


def test_lemma_in_agrees_with_lemma():
    # irregular forms (exception table), suffix rules, base forms, proper nouns, nouns
    doc = nlp.parse("The spokesmen said, told and wrote that children spoke; he denies it, "
                    "she is saying the quarters' figures were reported daily. Says Smith.")
    words = [frozenset({"say", "tell", "write", "speak", "deny", "report"}),
             frozenset({"child", "quarter", "figure", "spokesman"}), frozenset({"smith", "be"})]
    for tok in doc:
        for w in words:
            assert nlp.lemma_in(tok, w) == (nlp.lemma(tok) in w), (tok.text, tok.pos_)
    assert nlp.lemma_in(doc[2], words[0])  # said
    assert not nlp.lemma_in(doc[1], words[0])


def test_models_multiply_with_numpy_and_parse_as_with_blis():
    import spacy
    from thinc.api import NumpyOps

    loaded = nlp.load()
    nodes = [node for _n, c in loaded.components if hasattr(getattr(c, "model", None), "walk")
             for node in c.model.walk()]
    assert nodes and all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)

    text = ("Prime Minister Rishi Sunak said on Tuesday that 1,200 troops would be sent to "
            "Estonia, according to the Ministry of Defence. \"We stand with our allies,\" he told "
            "reporters in London. Shares in BAE Systems rose 3% to £6.40.")
    blis = spacy.load(nlp.MODEL_PACKAGE, disable=["lemmatizer"])(text)  # thinc's default ops
    ours = nlp.parse(text)
    assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in ours] == \
        [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in blis]


def test_blas_threads_limits_numpy_inside_the_block_only():
    import numpy  # noqa: F401 - the BLAS library is loaded with numpy
    from threadpoolctl import threadpool_info

    def blas():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas()
    with nlp.blas_threads(1):
        assert blas() and set(blas()) == {1}
    assert blas() == before
