"""PyTorch idioms in badak's nn and optim, checked against PyTorch's own numbers.

Every expected number below was computed once with torch 2.13.0 in float64 by
``benchmarks/pytorch_reference_nn_optim.py`` (rerun it and paste its output over ``TORCH`` after
changing a case); torch is not needed to run these tests. badak keeps the lecture's weight layout
W (in, out) where PyTorch's ``nn.Linear`` has (out, in): the weights in ``TORCH`` are in badak's
layout (the generator transposes them for torch).
"""

from collections import OrderedDict

import numpy as np
import pytest

import badak
from badak import nn
from badak.optim import SGD, AdaGrad, Adam, AdamW
from badak.optim import lr_scheduler as S

# fmt: off
TORCH = {'schedulers': {'StepLR': [[0.1, 0.2],
                           [0.1, 0.2],
                           [0.1, 0.2],
                           [0.05, 0.1],
                           [0.05, 0.1],
                           [0.05, 0.1],
                           [0.025, 0.05],
                           [0.025, 0.05]],
                'MultiStepLR': [[0.1], [0.1], [0.01], [0.01], [0.01], [0.0001], [0.0001], [0.0001]],
                'ExponentialLR': [[0.1], [0.09], [0.081], [0.0729], [0.06561], [0.059049]],
                'CosineAnnealingLR': [[0.1],
                                      [0.086819805153395],
                                      [0.055],
                                      [0.023180194846605],
                                      [0.01],
                                      [0.023180194846605],
                                      [0.055],
                                      [0.086819805153395],
                                      [0.1],
                                      [0.086819805153395]],
                'LambdaLR': [[0.1], [0.05], [0.033333333333333], [0.025], [0.02]],
                'OneCycleLR': {'lrs': [[0.04],
                                       [0.52],
                                       [1.0],
                                       [0.950484632013474],
                                       [0.811745653949763],
                                       [0.611262021936289],
                                       [0.388741978063711],
                                       [0.188258346050237],
                                       [0.049519367986526],
                                       [4e-06]],
                               'momentum': [0.95,
                                            0.9,
                                            0.85,
                                            0.854951556604879,
                                            0.868825509907063,
                                            0.888873953302184,
                                            0.911126046697816,
                                            0.931174490092937,
                                            0.945048443395121,
                                            0.95]},
                'OneCycleLR3': {'lrs': [[0.04, 0.08],
                                        [0.409230769230769, 0.818461538461539],
                                        [0.778461538461539, 1.556923076923077],
                                        [0.852307692307692, 1.704615384615384],
                                        [0.483076923076923, 0.966153846153846],
                                        [0.113846153846154, 0.227692307692307],
                                        [0.034483310344828, 0.068966620689655],
                                        [0.027587448275862, 0.055174896551724],
                                        [0.020691586206897, 0.041383172413793],
                                        [0.013795724137931, 0.027591448275862],
                                        [0.006899862068966, 0.013799724137931],
                                        [4e-06, 8e-06]],
                                'momentum': [0.95,
                                             0.911538461538462,
                                             0.873076923076923,
                                             0.865384615384615,
                                             0.903846153846154,
                                             0.942307692307692,
                                             0.95,
                                             0.95,
                                             0.95,
                                             0.95,
                                             0.95,
                                             0.95]},
                'ReduceLROnPlateau': [[0.1],
                                      [0.1],
                                      [0.1],
                                      [0.1],
                                      [0.05],
                                      [0.05],
                                      [0.05],
                                      [0.05],
                                      [0.025],
                                      [0.025]],
                'ReduceLROnPlateauMaxAbs': [[0.1], [0.1], [0.01], [0.01], [0.001], [0.001]]},
 'optimizers': {'sgd_momentum_wd': {'W': [[0.15623808995, 0.1878404928625],
                                          [-0.0333119744125, 0.070771998525],
                                          [-0.0496398312625, 0.4419645012125]],
                                    'b': [-0.01969637035, 0.1806635577]},
                'sgd_nesterov': {'W': [[0.06228335444825, 0.366678852704388],
                                       [0.017350982269363, -0.081124806431825],
                                       [0.052720936704813, 0.417519546573637]],
                                 'b': [-0.02856217739625, 0.2859428831035]},
                'sgd_groups': {'W': [[-0.117014991, 0.7004261029],
                                     [-0.0613178979, -0.3613564734],
                                     [0.2838526715, 0.5681414489]],
                               'b': [0.0922987405, -0.1699442704]},
                'sgd_frozen_bias': {'W': [[0.31662021325, -0.0294100377625],
                                          [0.0814632710125, 0.427732834825],
                                          [-0.3156913364375, 0.2770157642375]],
                                    'b': [0.1, -0.2]},
                'adamw': {'W': [[0.350494760916168, -0.149883943915866],
                                [0.054154169963012, 0.649411129532475],
                                [-0.450187229971801, 0.248343718262047]],
                          'b': [-0.043618676400488, -0.050486944320093]},
                'adamw_groups': {'W': [[0.318710986891258, -0.131951919440114],
                                       [0.046146685782348, 0.596536780167698],
                                       [-0.41202822739058, 0.236376525644763]],
                                 'b': [0.070737503165528, -0.170024311164301]},
                'adam_wd': {'W': [[0.351136398530511, -0.15028776548021],
                                  [0.054328869353136, 0.650526237188942],
                                  [-0.450984324256625, 0.248449681806001]],
                            'b': [-0.043314862945848, -0.050756382951554]},
                'adagrad_wd': {'W': [[0.295638967502738, -0.079886498014091],
                                     [0.040738455461345, 0.585145304047932],
                                     [-0.393606679402637, 0.295473822393446]],
                               'b': [-0.037579989305875, 0.009723854576951]}},
 'losses': {'ce_mean': {'loss': 0.819173021721141,
                        'grad': [[0.037329715545848, 0.00832938540804, -0.045659100953888],
                                 [-0.065824386713867, 0.020407239645423, 0.045417147068444],
                                 [0.040577028949572, -0.101110842893447, 0.060533813943876],
                                 [0.214920904009624, -0.223681553738079, 0.008760649728455]]},
            'ce_weight_mean': {'loss': 1.080964747445601,
                               'grad': [[0.013574442016672, 0.003028867421106, -0.016603309437778],
                                        [-0.047872281246449, 0.014841628833035, 0.033030652413414],
                                        [0.059021133017559, -0.147070316935923, 0.088049183918365],
                                        [0.312612224013999,
                                         -0.325354987255388,
                                         0.012742763241389]]},
            'nll_weight_mean': {'loss': -0.818181818181818,
                                'grad': [[0.0, 0.0, -0.090909090909091],
                                         [-0.181818181818182, 0.0, 0.0],
                                         [0.0, -0.363636363636364, 0.0],
                                         [0.0, -0.363636363636364, 0.0]]},
            'bce_mean': {'loss': 0.34968429718271,
                         'grad': [[0.3125, -0.357142857142857],
                                  [-0.277777777777778, -0.104166666666667]]},
            'huber_mean': {'loss': 1.1875,
                           'grad': [[0.083333333333333, -0.166666666666667, 0.25],
                                    [0.25, -0.133333333333333, -0.1]]},
            'smoothl1_mean': {'loss': 1.15,
                              'grad': [[0.166666666666667, -0.166666666666667, 0.166666666666667],
                                       [0.166666666666667,
                                        -0.166666666666667,
                                        -0.166666666666667]]},
            'mse_mean': {'loss': 2.916666666666667,
                         'grad': [[0.166666666666667, -0.333333333333333, 0.833333333333333],
                                  [1.0, -0.266666666666667, -0.2]]},
            'l1_mean': {'loss': 1.4,
                        'grad': [[0.166666666666667, -0.166666666666667, 0.166666666666667],
                                 [0.166666666666667, -0.166666666666667, -0.166666666666667]]},
            'bcelogits_mean': {'loss': 1.367891881169964,
                               'grad': [[0.103743221866976, 0.044823570228333, 0.154023636663126],
                                        [0.158762354470406,
                                         -0.075027667114587,
                                         -0.004163197913157]]},
            'ce_sum': {'loss': 3.276692086884564,
                       'grad': [[0.149318862183391, 0.033317541632161, -0.182636403815553],
                                [-0.263297546855469, 0.081628958581693, 0.181668588273775],
                                [0.162308115798286, -0.404443371573789, 0.242135255775503],
                                [0.859683616038497, -0.894726214952318, 0.035042598913821]]},
            'ce_weight_sum': {'loss': 5.945306110950804,
                              'grad': [[0.074659431091696, 0.016658770816081, -0.091318201907776],
                                       [-0.263297546855469, 0.081628958581693, 0.181668588273775],
                                       [0.324616231596573, -0.808886743147579, 0.484270511551006],
                                       [1.719367232076994, -1.789452429904635, 0.070085197827641]]},
            'nll_weight_sum': {'loss': -4.5,
                               'grad': [[0.0, 0.0, -0.5],
                                        [-1.0, 0.0, 0.0],
                                        [0.0, -2.0, 0.0],
                                        [0.0, -2.0, 0.0]]},
            'bce_sum': {'loss': 1.398737188730841,
                        'grad': [[1.25, -1.428571428571429],
                                 [-1.111111111111111, -0.416666666666667]]},
            'huber_sum': {'loss': 7.125, 'grad': [[0.5, -1.0, 1.5], [1.5, -0.8, -0.6]]},
            'smoothl1_sum': {'loss': 6.9, 'grad': [[1.0, -1.0, 1.0], [1.0, -1.0, -1.0]]},
            'mse_sum': {'loss': 17.5, 'grad': [[1.0, -2.0, 5.0], [6.0, -1.6, -1.2]]},
            'l1_sum': {'loss': 8.4, 'grad': [[1.0, -1.0, 1.0], [1.0, -1.0, -1.0]]},
            'bcelogits_sum': {'loss': 8.207351287019783,
                              'grad': [[0.622459331201855, 0.268941421369995, 0.924141819978757],
                                       [0.952574126822433, -0.450166002687522, -0.02497918747894]]},
            'ce_none': {'loss': [0.201671244952791,
                                 0.305571195389138,
                                 0.518258800793211,
                                 2.251190845749425],
                        'grad': [[0.149318862183391, 0.033317541632161, -0.182636403815553],
                                 [-0.263297546855469, 0.081628958581693, 0.181668588273775],
                                 [0.162308115798286, -0.404443371573789, 0.242135255775503],
                                 [0.859683616038497, -0.894726214952318, 0.035042598913821]]},
            'ce_weight_none': {'loss': [0.100835622476395,
                                        0.305571195389138,
                                        1.036517601586421,
                                        4.50238169149885],
                               'grad': [[0.074659431091696, 0.016658770816081, -0.091318201907776],
                                        [-0.263297546855469, 0.081628958581693, 0.181668588273775],
                                        [0.324616231596573, -0.808886743147579, 0.484270511551006],
                                        [1.719367232076994,
                                         -1.789452429904635,
                                         0.070085197827641]]},
            'nll_weight_none': {'loss': [-1.0, -1.5, -1.8, -0.2],
                                'grad': [[0.0, 0.0, -0.5],
                                         [-1.0, 0.0, 0.0],
                                         [0.0, -2.0, 0.0],
                                         [0.0, -2.0, 0.0]]},
            'bce_none': {'loss': [[0.22314355131421, 0.356674943938732],
                                  [0.105360515657826, 0.713558177820073]],
                         'grad': [[1.25, -1.428571428571429],
                                  [-1.111111111111111, -0.416666666666667]]},
            'huber_none': {'loss': [[0.125, 0.5, 2.625], [3.375, 0.32, 0.18]],
                           'grad': [[0.5, -1.0, 1.5], [1.5, -0.8, -0.6]]},
            'smoothl1_none': {'loss': [[0.25, 0.75, 2.25], [2.75, 0.55, 0.35]],
                              'grad': [[1.0, -1.0, 1.0], [1.0, -1.0, -1.0]]},
            'mse_none': {'loss': [[0.25, 1.0, 6.25], [9.0, 0.64, 0.36]],
                         'grad': [[1.0, -2.0, 5.0], [6.0, -1.6, -1.2]]},
            'l1_none': {'loss': [[0.5, 1.0, 2.5], [3.0, 0.8, 0.6]],
                        'grad': [[1.0, -1.0, 1.0], [1.0, -1.0, -1.0]]},
            'bcelogits_none': {'loss': [[0.974076984180107, 0.313261687518223, 2.57888973429255],
                                        [3.048587351573742, 0.598138869381592, 0.694396660073571]],
                               'grad': [[0.622459331201855, 0.268941421369995, 0.924141819978757],
                                        [0.952574126822433,
                                         -0.450166002687522,
                                         -0.02497918747894]]},
            'ce_ignore_index': {'loss': 0.290373630498475,
                                'grad': [[0.04977295406113, 0.01110584721072, -0.060878801271851],
                                         [0.0, 0.0, 0.0],
                                         [0.054102705266095, -0.134814457191263, 0.080711751925168],
                                         [-0.046772127987168,
                                          0.035091261682561,
                                          0.011680866304607]]},
            'ce_ignore_index_1': {'loss': 0.270937878577022,
                                  'grad': [[0.04977295406113, 0.01110584721072, -0.060878801271851],
                                           [-0.175531697903646,
                                            0.054419305721129,
                                            0.121112392182517],
                                           [0.0, 0.0, 0.0],
                                           [0.0, 0.0, 0.0]]},
            'ce_label_smoothing': {'loss': 0.900006355054474,
                                   'grad': [[0.028996382212514,
                                             -3.947925293e-06,
                                             -0.028992434287221],
                                            [-0.0491577200472, 0.01207390631209, 0.03708381373511],
                                            [0.032243695616238,
                                             -0.084444176226781,
                                             0.052200480610542],
                                            [0.206587570676291,
                                             -0.207014887071413,
                                             0.000427316395122]]},
            'ce_label_smoothing_weight': {'loss': 1.166207219824311,
                                          'grad': [[0.005073081099906,
                                                    -0.020405858842357,
                                                    0.015332777742452],
                                                   [-0.019164993651633,
                                                    -0.008906074448288,
                                                    0.028071068099921],
                                                   [0.041981493144883,
                                                    -0.116632639009445,
                                                    0.074651145864562],
                                                   [0.274439993224954,
                                                    -0.280060253468954,
                                                    0.005620260244001]]},
            'ce_label_smoothing_ignore': {'loss': 1.193706963831809,
                                          'grad': [[0.016439620727797,
                                                    -0.022227486122613,
                                                    0.005787865394816],
                                                   [0.0, 0.0, 0.0],
                                                   [0.020769371932762,
                                                    -0.068147790524596,
                                                    0.047378418591834],
                                                   [0.253227872012832,
                                                    -0.231575404984106,
                                                    -0.021652467028726]]},
            'ce_soft_rows_not_summing_to_1': {'loss': 1.902089056190988,
                                              'grad': [[-0.313351422270761,
                                                        -0.208353072959798,
                                                        0.521704495230559],
                                                       [0.0, 0.0, 0.0]]},
            'ce_soft_smoothing': {'loss': 1.855728822320317,
                                  'grad': [[-0.269082584931603,
                                            -0.196684037537956,
                                            0.465766622469559],
                                           [0.04033691198112,
                                            -0.025170437475164,
                                            -0.015166474505956]]},
            'ce_soft_weight': {'loss': 2.702089056190988,
                               'grad': [[-0.313351422270761, -0.458353072959798, 0.771704495230559],
                                        [0.0, 0.0, 0.0]]},
            'bcelogits_pos_weight': {'loss': 1.591647802745824,
                                     'grad': [[0.103743221866976,
                                               0.044823570228333,
                                               0.154023636663126],
                                              [0.158762354470406,
                                               -0.150055334229174,
                                               -0.091659729159647]]},
            'bce_weight': {'loss': 0.298031173705869,
                           'grad': [[0.625, -0.178571428571429],
                                    [-0.555555555555556, -0.052083333333333]]}},
 'init': {'xavier_uniform_bound': 0.8660254037844386,
          'kaiming_uniform_bound_relu': 1.4142135623730951,
          'kaiming_normal_std_fan_out': 0.6201736729460422,
          'xavier_normal_std_gain2': 1.0,
          'fans': [3, 5]},
 'containers': {'state_dict_keys': ['running',
                                    'blocks.0.weight',
                                    'blocks.0.bias',
                                    'blocks.2.weight',
                                    'blocks.2.bias',
                                    'heads.a.weight',
                                    'heads.a.bias',
                                    'heads.b.weight',
                                    'heads.b.bias',
                                    'seq.fc.weight',
                                    'seq.fc.bias'],
                'named_modules': ['',
                                  'blocks',
                                  'blocks.0',
                                  'blocks.1',
                                  'blocks.2',
                                  'heads',
                                  'heads.a',
                                  'heads.b',
                                  'seq',
                                  'seq.fc',
                                  'seq.act'],
                'named_children': ['blocks', 'heads', 'seq'],
                'named_buffers': ['running', 'scratch'],
                'num_parameters': 41}}
# fmt: on

W = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]          # badak layout (in=3, out=2)
B = [0.1, -0.2]
X = [[1.0, 2.0, -1.0], [0.5, -1.5, 2.0], [-0.3, 0.7, 0.2], [1.2, 0.0, -0.8]]
Y = [[1.0, 0.0], [0.0, 1.0], [0.5, -0.5], [-1.0, 2.0]]


# ---------------------------------------------------------------- schedulers

def _lrs(make, steps, metrics=None, momentum=False, groups=1):
    params = [badak.tensor(np.zeros(2), requires_grad=True) for _ in range(groups)]
    opt = SGD([{"params": [p], "lr": 0.1 * (k + 1)} for k, p in enumerate(params)], lr=0.1,
              momentum=0.9)
    sched = make(opt)
    lrs, moms = [], []
    for i in range(steps):
        lrs.append(sched.get_last_lr())
        moms.append(opt.param_groups[0]["momentum"])
        for p in params:
            p.grad = badak.tensor(np.ones(2))
        opt.step()
        sched.step(metrics[i]) if metrics else sched.step()
    return {"lrs": lrs, "momentum": moms} if momentum else lrs


SCHEDULERS = {
    "StepLR": lambda: _lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 8, groups=2),
    "MultiStepLR": lambda: _lrs(lambda o: S.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1), 8),
    "ExponentialLR": lambda: _lrs(lambda o: S.ExponentialLR(o, gamma=0.9), 6),
    "CosineAnnealingLR": lambda: _lrs(lambda o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
                                      10),
    "LambdaLR": lambda: _lrs(lambda o: S.LambdaLR(o, lambda e: 1.0 / (e + 1)), 5),
    "OneCycleLR": lambda: _lrs(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10), 10,
                               momentum=True),
    "OneCycleLR3": lambda: _lrs(lambda o: S.OneCycleLR(o, max_lr=[1.0, 2.0], total_steps=12,
                                                       anneal_strategy="linear",
                                                       three_phase=True),
                                12, momentum=True, groups=2),
    "ReduceLROnPlateau": lambda: _lrs(lambda o: S.ReduceLROnPlateau(o, patience=1, cooldown=1,
                                                                   factor=0.5, min_lr=0.02),
                                      10, metrics=[5, 4, 4, 4, 4, 3, 3, 3, 3, 3]),
    "ReduceLROnPlateauMaxAbs": lambda: _lrs(lambda o: S.ReduceLROnPlateau(
        o, mode="max", patience=0, threshold=0.1, threshold_mode="abs"), 6,
        metrics=[1.0, 1.05, 1.2, 1.25, 1.5, 1.5]),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_gives_pytorchs_learning_rates(name):
    got, expected = SCHEDULERS[name](), TORCH["schedulers"][name]
    if isinstance(expected, dict):
        np.testing.assert_allclose(got["lrs"], expected["lrs"], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got["momentum"], expected["momentum"], rtol=1e-12)
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- optimizers

def _train(make_opt, steps=3, frozen_bias=False):
    w = badak.tensor(np.array(W), requires_grad=True)
    b = badak.tensor(np.array(B), requires_grad=not frozen_bias)
    opt = make_opt(w, b)
    x, y = np.array(X), np.array(Y)
    for _ in range(steps):
        opt.zero_grad()
        loss = badak.functional.mse_loss(badak.tensor(x) @ w + b, y)
        loss.backward()
        opt.step()
    return w.data, b.data


OPTIMIZERS = {
    "sgd_momentum_wd": lambda w, b: SGD([w, b], lr=0.1, momentum=0.9, weight_decay=0.01),
    "sgd_nesterov": lambda w, b: SGD([w, b], lr=0.1, momentum=0.9, nesterov=True,
                                     weight_decay=0.05),
    "sgd_groups": lambda w, b: SGD([{"params": [w], "lr": 0.2},
                                    {"params": [b], "momentum": 0.5}], lr=0.01, momentum=0.9),
    "adamw": lambda w, b: AdamW([w, b], lr=0.05),
    "adamw_groups": lambda w, b: AdamW([{"params": [w], "weight_decay": 0.5},
                                        {"params": [b], "lr": 0.01}], lr=0.05, betas=(0.8, 0.99)),
    "adam_wd": lambda w, b: Adam([w, b], lr=0.05, weight_decay=0.1, eps=1e-8),
    "adagrad_wd": lambda w, b: AdaGrad([w, b], lr=0.1, weight_decay=0.1, eps=1e-10),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_steps_give_pytorchs_weights(name):
    w, b = _train(OPTIMIZERS[name])
    expected = TORCH["optimizers"][name]
    # badak's Adam adds eps to sqrt(v) (Keras' form), PyTorch to sqrt(v_hat): 1e-8 apart
    rtol = 1e-5 if name == "adam_wd" else 1e-12
    np.testing.assert_allclose(w, expected["W"], rtol=rtol)
    np.testing.assert_allclose(b, expected["b"], rtol=rtol)


def test_frozen_bias_is_skipped_like_pytorch():
    w, b = _train(lambda w, b: SGD([w, b], lr=0.1), frozen_bias=True)
    expected = TORCH["optimizers"]["sgd_frozen_bias"]
    np.testing.assert_allclose(w, expected["W"], rtol=1e-12)
    np.testing.assert_array_equal(b, expected["b"])


# ---------------------------------------------------------------- losses

LOGITS = [[0.3, -1.2, 2.0], [1.5, -0.7, 0.1], [-0.4, 0.9, 0.0], [2.2, 0.1, -1.0]]
LABELS = np.array([2, 0, 1, 1])
WGT = [1.0, 2.0, 0.5]
SOFT = [[1.0, 0.5, 1.0], [0.0, 0.0, 0.0]]
PROBS = [[0.2, 0.7], [0.9, 0.4]]
TGT01 = [[0.0, 1.0], [1.0, 0.5]]
PRED = [[0.5, -1.0, 2.5], [3.0, 0.2, -0.1]]
TGT = [[0.0, 0.0, 0.0], [0.0, 1.0, 0.5]]

LOSS_CASES = {}
for _red in ("mean", "sum", "none"):
    LOSS_CASES.update({
        f"ce_{_red}": (nn.CrossEntropyLoss(reduction=_red), LOGITS, LABELS),
        f"ce_weight_{_red}": (nn.CrossEntropyLoss(weight=WGT, reduction=_red), LOGITS, LABELS),
        f"nll_weight_{_red}": (nn.NLLLoss(weight=WGT, reduction=_red), LOGITS, LABELS),
        f"bce_{_red}": (nn.BCELoss(reduction=_red), PROBS, TGT01),
        f"huber_{_red}": (nn.HuberLoss(reduction=_red, delta=1.5), PRED, TGT),
        f"smoothl1_{_red}": (nn.SmoothL1Loss(reduction=_red, beta=0.5), PRED, TGT),
        f"mse_{_red}": (nn.MSELoss(reduction=_red), PRED, TGT),
        f"l1_{_red}": (nn.L1Loss(reduction=_red), PRED, TGT),
        f"bcelogits_{_red}": (nn.BCEWithLogitsLoss(reduction=_red), PRED, TGT),
    })
LOSS_CASES.update({
    "ce_ignore_index": (nn.CrossEntropyLoss(), LOGITS, np.array([2, -100, 1, 0])),
    "ce_ignore_index_1": (nn.CrossEntropyLoss(ignore_index=1, weight=WGT), LOGITS, LABELS),
    "ce_label_smoothing": (nn.CrossEntropyLoss(label_smoothing=0.1), LOGITS, LABELS),
    "ce_label_smoothing_weight": (nn.CrossEntropyLoss(weight=WGT, label_smoothing=0.2), LOGITS,
                                  LABELS),
    "ce_label_smoothing_ignore": (nn.CrossEntropyLoss(ignore_index=0, label_smoothing=0.3),
                                  LOGITS, LABELS),
    # issue 12 row 12: probability rows that do not sum to 1
    "ce_soft_rows_not_summing_to_1": (nn.CrossEntropyLoss(), LOGITS[:2], np.array(SOFT)),
    "ce_soft_smoothing": (nn.CrossEntropyLoss(label_smoothing=0.2), LOGITS[:2], np.array(SOFT)),
    "ce_soft_weight": (nn.CrossEntropyLoss(weight=WGT), LOGITS[:2], np.array(SOFT)),
    "bcelogits_pos_weight": (nn.BCEWithLogitsLoss(pos_weight=[1.0, 2.0, 3.0]), PRED, TGT),
    "bce_weight": (nn.BCELoss(weight=[2.0, 0.5]), PROBS, TGT01),
})


@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_loss_gives_pytorchs_value_and_gradient(name):
    loss_fn, x, target = LOSS_CASES[name]
    xt = badak.tensor(np.array(x), requires_grad=True)
    out = loss_fn(xt, target)
    out.sum().backward()
    expected = TORCH["losses"][name]
    np.testing.assert_allclose(out.data, expected["loss"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(xt.grad.data, expected["grad"], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", list(LOSS_CASES))
def test_loss_passes_gradcheck(name):
    loss_fn, x, target = LOSS_CASES[name]
    badak.gradcheck(lambda xt: loss_fn(xt, target).sum(),
                    [badak.tensor(np.array(x), requires_grad=True)])


# ---------------------------------------------------------------- module containers and buffers

@nn.register_module
class _Net(nn.Module):
    """The generator's Net: ModuleList, ModuleDict, a named Sequential and two buffers."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1)])
        self.heads = nn.ModuleDict({"a": nn.Linear(2, 1, rng=2), "b": nn.Linear(2, 2, rng=3)})
        self.seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2, rng=4)), ("act", nn.Tanh())]))
        self.register_buffer("running", np.zeros(2, np.float32))
        self.register_buffer("scratch", np.zeros(1, np.float32), persistent=False)

    def forward(self, x):
        for layer in self.blocks:
            x = layer(x)
        self.running = self.running.data + 1  # a buffer is replaced by assignment
        return self.seq(x) + self.heads["a"](x)


def test_containers_and_buffers_name_things_like_pytorch():
    net = _Net()
    expected = TORCH["containers"]
    assert list(net.state_dict()) == expected["state_dict_keys"]
    assert [n for n, _ in net.named_modules()] == expected["named_modules"]
    assert [n for n, _ in net.named_children()] == expected["named_children"]
    assert [n for n, _ in net.named_buffers()] == expected["named_buffers"]
    assert net.num_parameters() == expected["num_parameters"]
    assert all(not b.requires_grad for b in net.buffers())


def test_buffers_are_saved_and_loaded(tmp_path):
    net = _Net()
    net(np.ones((1, 3), np.float32))
    np.testing.assert_array_equal(net.running.data, [1.0, 1.0])
    badak.save(net, tmp_path / "net.npz")
    back = badak.load(tmp_path / "net.npz")
    np.testing.assert_array_equal(back.running.data, [1.0, 1.0])
    assert "scratch" not in back.state_dict()
    np.testing.assert_array_equal(back.heads["b"].weight.data, net.heads["b"].weight.data)
    net.to("float64")
    assert net.running.dtype == np.float64


# ---------------------------------------------------------------- init

def test_init_bounds_are_pytorchs_for_the_transposed_layout():
    # badak's (in=3, out=5) weight is PyTorch's (out=5, in=3): the same fans, the same bounds
    expected = TORCH["init"]
    w = nn.Linear(3, 5, rng=0).weight
    assert list(nn.init.calculate_fan_in_and_fan_out(w)) == expected["fans"]
    draws = np.abs(nn.init.xavier_uniform_(w, generator=0).data)
    assert draws.max() <= expected["xavier_uniform_bound"] + 1e-7
    big = badak.tensor(np.zeros((3, 5000)), requires_grad=True)  # fan_in 3 as above
    nn.init.kaiming_uniform_(big, nonlinearity="relu", generator=1)
    assert np.abs(big.data).max() == pytest.approx(expected["kaiming_uniform_bound_relu"],
                                                   rel=1e-3)
    tall = badak.tensor(np.zeros((20000, 5)), requires_grad=True)  # fan_out 5
    nn.init.kaiming_normal_(tall, a=0.2, mode="fan_out", generator=2)
    assert tall.data.std() == pytest.approx(expected["kaiming_normal_std_fan_out"], rel=0.02)
