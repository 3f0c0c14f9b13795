"""The behaviour coder: segment a reply, compute named features, weigh them with learned weights.

    reply (+ the client's words)
     -> segment   sentences, the lead of each, the last clause   (segment.py)
     -> features  named, documented functions and word features  (features.py)
     -> decide    weights fitted to coded data                    (model.py, fit.py)
     -> acts      each sentence's code, with the features that decided it
     -> primary   the act the client will answer

Knowledge is data: cue phrases in `prompts/lexicons/coder-cues.yaml`, weights in
`prompts/coder/weights.json` (made by `empathy-coach coder fit`, see docs/coder.md).
"""

from empathy_coach.scoring.coder.model import CODES, QUESTIONS, REFLECTIONS, Act, CoderModel, Coding, Reason, Weights, describe, primary_act

__all__ = ["CODES", "QUESTIONS", "REFLECTIONS", "Act", "CoderModel", "Coding", "Reason", "Weights", "describe", "primary_act"]
