"""Regenerate the playground's Hangul font subset (a maintainer's tool, not used at run time).

``python -m badak.interfaces.playground.fontsubset NanumGothic.ttf`` writes
``static/fonts/BadakHangul.woff`` with the characters of :mod:`badak.interfaces.playground.i18n`,
ASCII and the most common Hangul syllables. "NanumGothic" is a Reserved Font Name of its SIL Open
Font License, which a modified version (a subset is one) must not use, so the subset is renamed
"BadakHangul". Needs fontTools (a dependency of matplotlib).
"""

from __future__ import annotations

import sys
from pathlib import Path

from badak.interfaces.playground.i18n import TEXT

FAMILY = "BadakHangul"
FILE = "BadakHangul.woff"
COMMON = ("가각간갈감갑값강같개객거건걸검것게겠겨격결경계고곡곤곱공과관광교구국군권귀규그극"
          "근글금기긴길김깊까깨꼭꽃끝나날남낮내너널넘네년노놀높누눈뉴는늘능니다단달담답당대"
          "더덕데도독돌동되된될두둘뒤드득든들등디따때또뜻라람랑래략량러런럼렇레려력련렬령례"
          "로록론료루류률르른를름리린림립마만많말맞매머먼멀메며면명모목몰몸못무문물뭐미민밀"
          "바박반받발밤방배백버번벌범법변별병보복본볼봄부북분불비빛사산살삼상새색생서석선설"
          "성세소속손수순술숨쉬스슬습시식신실심십싶아안않알암앞애야약양어억언얼엄업없었에여"
          "역연열염영예오온올와완왕외요용우운울움원월위유육으은을음응의이인일임입있자작잔잘"
          "장재저적전절점정제조족존종좋주준중즐지직진질집짓짜차참창찾채책처천철첫청체초총최"
          "추축출충취치칙친칠침카커컴코크큰클키타탕태터테토통투트특파판패퍼페편평포표품프피"
          "필하학한할함합항해했행향허험현형호혹화확환활황회효후훈휴흐흔희히힘")


def characters() -> str:
    chars = set("".join(TEXT["ko"].values()) + "".join(TEXT["en"].values()) + COMMON)
    chars |= {chr(c) for c in range(32, 127)}
    return "".join(sorted(chars))


def main(argv=None) -> int:
    from fontTools import subset

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m badak.interfaces.playground.fontsubset NanumGothic.ttf",
              file=sys.stderr)
        return 2
    from fontTools.ttLib import TTFont

    out = Path(__file__).parent / "static" / "fonts" / FILE
    subset.main([args[0], f"--text={characters()}", "--flavor=woff", f"--output-file={out}"])
    font = TTFont(out)
    names = {1: FAMILY, 3: f"{FAMILY}-Regular (subset of NanumGothic)", 4: FAMILY, 6: FAMILY,
             16: FAMILY}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font.save(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
