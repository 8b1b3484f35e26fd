"""The playground's words in English and Korean, with the lecture note's terms.

The page gets the table of its language as JSON; :func:`pick_language` takes ``?lang=`` when
given, else the browser's ``Accept-Language``.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "TEXT", "pick_language"]

LANGUAGES = ("en", "ko")

_PAIRS = {
    "title_playground": ("badak playground", "badak 플레이그라운드"),
    "title_graph": ("Computational graph", "계산 그래프"),
    "title_perceptron": ("Perceptron", "퍼셉트론"),
    "title_descent": ("Gradient descent", "경사하강법"),
    "title_activations": ("Activation functions", "활성화 함수"),
    "nav_playground": ("Playground", "플레이그라운드"),
    "nav_graph": ("Graph", "계산 그래프"),
    "nav_perceptron": ("Perceptron", "퍼셉트론"),
    "nav_descent": ("Gradient descent", "경사하강법"),
    "nav_activations": ("Activations", "활성화 함수"),
    "language": ("한국어", "English"),
    "play": ("Play", "재생"),
    "pause": ("Pause", "일시정지"),
    "step": ("Step", "한 단계"),
    "reset": ("Reset", "초기화"),
    "epoch": ("Epoch", "에포크"),
    "train_loss": ("Training loss", "훈련 손실"),
    "test_loss": ("Test loss", "테스트 손실"),
    "data": ("Data", "데이터"),
    "dataset": ("Data set", "데이터셋"),
    "noise": ("Noise", "잡음"),
    "ratio": ("Training data (%)", "훈련 데이터 비율 (%)"),
    "batch": ("Batch size", "배치 크기"),
    "points": ("Points", "점의 수"),
    "features": ("Input features", "입력 특성"),
    "hidden": ("Hidden layers", "은닉층"),
    "hidden_help": ("units per layer, e.g. 4,2 (0–8 layers of 1–16 units)",
                    "층마다 뉴런 수, 예: 4,2 (0–8개 층, 층마다 1–16개)"),
    "activation": ("Activation", "활성화 함수"),
    "optimizer": ("Optimizer", "최적화 방법"),
    "learning_rate": ("Learning rate", "학습률"),
    "regularization": ("Regularization", "정규화"),
    "reg_rate": ("Regularization rate", "정규화율"),
    "seed": ("Seed", "시드"),
    "upload": ("Your CSV (x1,x2,label)", "CSV 파일 (x1,x2,label)"),
    "output": ("Output", "출력"),
    "weights": ("weight", "가중치"),
    "bias": ("bias", "편향"),
    "share": ("Share (URL)", "공유 (URL)"),
    "export_code": ("Export Python code", "파이썬 코드 내보내기"),
    "export_model": ("Export model file", "모델 파일 내보내기"),
    "click_point": ("Click a data point to see its computational graph (forward pass and loss).",
                    "데이터 점을 누르면 그 샘플의 계산 그래프(순전파와 손실)가 나옵니다."),
    "forward_step": ("Forward step", "순전파 한 단계"),
    "backward_step": ("Backward step", "역전파 한 단계"),
    "forward": ("forward pass", "순전파"),
    "backward": ("backward pass", "역전파"),
    "graph": ("computational graph", "계산 그래프"),
    "upstream": ("upstream gradient", "상류 기울기"),
    "local": ("local gradient", "국소적 미분"),
    "passed": ("passed back", "전달되는 기울기"),
    "chain_rule": ("chain rule: passed = upstream × local",
                   "연쇄 법칙: 전달되는 기울기 = 상류 기울기 × 국소적 미분"),
    "add_node": ("addition node passes the gradient unchanged",
                 "덧셈 노드는 기울기를 그대로 흘려보냅니다"),
    "mul_node": ("multiplication node passes upstream × the other input",
                 "곱셈 노드는 상류 기울기 × 다른 입력을 보냅니다"),
    "expression": ("Expression", "수식"),
    "draw": ("Draw", "그리기"),
    "result": ("result", "결과"),
    "gate": ("Gate", "게이트"),
    "threshold": ("threshold θ", "임계값 θ"),
    "truth_table": ("Truth table", "진리표"),
    "learn_step": ("Learning rule: next epoch", "학습 규칙: 다음 에포크"),
    "learn_run": ("Run until done", "끝까지 실행"),
    "converged": ("Converged: every row is right.", "수렴: 모든 행이 맞습니다."),
    "xor_fails": ("XOR does not converge: no straight line separates (0,1),(1,0) from "
                  "(0,0),(1,1). A single perceptron draws one line; XOR needs a hidden layer "
                  "(a multi-layer perceptron: NAND, OR, then AND).",
                  "XOR은 수렴하지 않습니다: (0,1),(1,0)과 (0,0),(1,1)을 가르는 직선이 없습니다. "
                  "단층 퍼셉트론은 직선 하나만 그을 수 있으므로 XOR에는 은닉층이 필요합니다 "
                  "(다층 퍼셉트론: NAND, OR, 그리고 AND)."),
    "errors": ("errors", "오류"),
    "function": ("f(x)", "f(x)"),
    "start": ("start x₀", "시작점 x₀"),
    "method": ("Method", "방법"),
    "gd": ("gradient descent", "경사하강법"),
    "newton": ("Newton's method", "뉴턴 방법"),
    "prediction": ("first-order prediction", "1차 근사 예측"),
    "tangent": ("tangent line", "접선"),
    "diverged": ("Diverged: the learning rate is too large.", "발산: 학습률이 너무 큽니다."),
    "zigzag": ("x²/20 + y² zig-zag", "x²/20 + y² 지그재그"),
    "zigzag_note": ("Plain SGD zig-zags across the narrow valley of x²/20 + y²: the gradient "
                    "points across it, not along it.",
                    "x²/20 + y²의 좁은 골짜기에서 SGD는 지그재그로 움직입니다: 기울기가 "
                    "골짜기를 따라가지 않고 가로지르기 때문입니다."),
    "parameter": ("parameter", "매개변수"),
    "derivative": ("derivative f′ (from badak's backward)", "도함수 f′ (badak 역전파로 계산)"),
    "saturation": ("shaded: saturation (|f′| < 0.05), where gradients vanish",
                   "음영: 포화 구간 (|f′| < 0.05), 기울기 소실이 일어나는 곳"),
    "overfitting": ("Test loss above training loss: overfitting.",
                    "테스트 손실이 훈련 손실보다 큽니다: 과적합."),
    "error": ("Error", "오류"),
    "neuron": ("neuron", "뉴런"),
    "constant": ("constant: no gradient", "상수: 기울기 없음"),
    "opt_circle": ("circle", "원"),
    "opt_xor": ("XOR", "XOR"),
    "opt_gauss": ("Gaussian", "가우시안"),
    "opt_spiral": ("spiral", "나선"),
    "opt_moons": ("moons", "반달"),
    "opt_sine": ("sine boundary", "사인 경계"),
    "opt_cubic": ("cubic boundary", "3차 함수 경계"),
    "opt_abs": ("|x| boundary", "|x| 경계"),
    "opt_reg-plane": ("regression: plane", "회귀: 평면"),
    "opt_reg-gauss": ("regression: Gaussians", "회귀: 가우시안"),
    "opt_csv": ("your CSV", "CSV 파일"),
    "opt_step": ("step", "계단 함수"),
    "opt_sigmoid": ("sigmoid", "시그모이드"),
    "opt_tanh": ("tanh", "tanh"),
    "opt_relu": ("ReLU", "ReLU"),
    "opt_leaky_relu": ("leaky ReLU", "Leaky ReLU"),
    "opt_prelu": ("PReLU", "PReLU"),
    "opt_elu": ("ELU", "ELU"),
    "opt_maxout": ("Maxout", "Maxout"),
    "opt_sgd": ("SGD", "SGD (확률적 경사하강법)"),
    "opt_momentum": ("momentum", "모멘텀"),
    "opt_adagrad": ("AdaGrad", "AdaGrad"),
    "opt_rmsprop": ("RMSprop", "RMSprop"),
    "opt_adam": ("Adam", "Adam"),
    "opt_none": ("none", "없음"),
    "opt_l1": ("L1", "L1"),
    "opt_l2": ("L2", "L2"),
}

TEXT = {lang: {k: v[i] for k, v in _PAIRS.items()} for i, lang in enumerate(LANGUAGES)}
"""Language -> key -> text."""


def pick_language(query: str | None, accept_language: str) -> str:
    """``?lang=`` when it names a language, else the first of ours in Accept-Language."""
    if query in LANGUAGES:
        return query
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "en"
