"""impedance.py's fitting method re-implemented on scipy (NOT impedance.py itself).

The baseline of bench/eis.ts: one local fit of a circuit from a given guess,
done as impedance.py's `circuit_fit` does it (impedance/models/circuits/
fitting.py, version 1.7): scipy.optimize.curve_fit of the stacked
[Z', Z''] with bounds 0..inf on every parameter except a CPE exponent
(0..1), hence least_squares 'trf' with its 2-point finite-difference
Jacobian; maxfev 1e5 and ftol 1e-13 as impedance.py sets them, scipy's
defaults otherwise; unit weighting (impedance.py's default) or
sigma = [|Z|, |Z|] (its weight_by_modulus=True). The elements are
impedance.py's formulas (elements.py) evaluated in numpy; the circuit is
evaluated by closures built once rather than impedance.py's per-call string
eval, so this baseline is, if anything, faster than impedance.py.

Driven line by line over stdin/stdout (one JSON object a line) so that
bench/eis.ts can interleave its own timings with these, round by round, and
both see the machine in the same state:
  {"case": {"circuit", "weighting", "frequencyHz", "zRe", "zIm", "guess"}}
      sets the case up and fits it once (the first call, timed apart);
      replies {"firstS"}
  {"time": true}    one fit, timed in-process with time.perf_counter; replies {"s"}
  {"result": true}  the last fit: {"parameters", "rss" (unweighted, ohm^2),
                    "cost" (weighted), "nfev", "status", "message"}
The first line out is {"python", "numpy", "scipy"}; at end of input, the
process's peak resident set {"maxRssMiB"}. A case that fails replies
{"error"}.
"""
import json
import re
import resource
import sys
import time
import warnings

import numpy as np
import scipy
from scipy.optimize import OptimizeWarning, curve_fit


def element(kind, p, omega):
    """Z of one element, impedance.py's formula for it."""
    if kind == 'R':
        return p[0] * np.ones_like(omega) + 0j
    if kind == 'C':
        return 1.0 / (1j * omega * p[0])
    if kind == 'L':
        return 1j * omega * p[0]
    if kind == 'CPE':
        return 1.0 / (p[0] * (1j * omega) ** p[1])
    if kind == 'W':
        return p[0] * (1 - 1j) / np.sqrt(omega)
    if kind == 'Wo':
        s = np.sqrt(1j * omega * p[1])
        return p[0] / (s * np.tanh(s))
    if kind == 'Ws':
        s = np.sqrt(1j * omega * p[1])
        return p[0] * np.tanh(s) / s
    if kind == 'G':
        return p[0] / np.sqrt(1 + 1j * omega * p[1])
    raise ValueError(f'element {kind} not supported by the baseline')


PARAMETERS = {'R': 1, 'C': 1, 'L': 1, 'CPE': 2, 'W': 1, 'Wo': 2, 'Ws': 2, 'G': 2}


def split_top(text, sep):
    """Split at `sep` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def compile_circuit(text, bounds, index=0):
    """A function (params, omega) -> Z for impedance.py's circuit syntax; appends each parameter's (lower, upper)."""
    series = split_top(text, '-')
    if len(series) > 1:
        children = []
        for part in series:
            child, index = compile_circuit(part, bounds, index)
            children.append(child)
        return (lambda p, w: sum(c(p, w) for c in children)), index
    if text.startswith('p(') and text.endswith(')'):
        children = []
        for part in split_top(text[2:-1], ','):
            child, index = compile_circuit(part, bounds, index)
            children.append(child)
        return (lambda p, w: 1.0 / sum(1.0 / c(p, w) for c in children)), index
    kind = re.sub(r'[0-9_]', '', text)
    count = PARAMETERS[kind]
    for k in range(count):
        bounds.append((0.0, 1.0 if kind == 'CPE' and k == 1 else np.inf))
    at = index
    return (lambda p, w: element(kind, p[at:at + count], w)), index + count


class Case:
    """One spectrum, circuit and guess, fitted as impedance.py's circuit_fit would."""

    def __init__(self, case):
        f = np.asarray(case['frequencyHz'], dtype=float)
        z = np.asarray(case['zRe'], dtype=float) + 1j * np.asarray(case['zIm'], dtype=float)
        omega = 2 * np.pi * f
        bounds = []
        model, _ = compile_circuit(case['circuit'].replace(' ', ''), bounds)
        self.f = f
        self.data = np.hstack([z.real, z.imag])
        # impedance.py's wrapCircuit: the stacked real and imaginary parts of Z(f; params).
        self.wrapped = lambda freq, *p: (lambda zz: np.hstack([zz.real, zz.imag]))(model(p, omega))
        self.kwargs = {'p0': case['guess'], 'bounds': ([b[0] for b in bounds], [b[1] for b in bounds]), 'maxfev': int(1e5), 'ftol': 1e-13}
        if case['weighting'] == 'modulus':
            self.kwargs['sigma'] = np.hstack([np.abs(z), np.abs(z)])
        elif case['weighting'] != 'unit':
            raise ValueError(f"weighting {case['weighting']} has no impedance.py equivalent")
        self.last = None

    def fit(self):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', OptimizeWarning)
            warnings.simplefilter('ignore', RuntimeWarning)
            start = time.perf_counter()
            self.last = curve_fit(self.wrapped, self.f, self.data, full_output=True, **self.kwargs)
            return time.perf_counter() - start

    def result(self):
        popt, _, info, message, status = self.last
        residual = self.wrapped(self.f, *popt) - self.data
        weight = 1 / self.kwargs['sigma'] if 'sigma' in self.kwargs else 1
        return {
            'parameters': popt.tolist(),
            'rss': float(np.sum(residual ** 2)),
            'cost': float(np.sum((weight * residual) ** 2)),
            'nfev': int(info['nfev']),
            'status': int(status),
            'message': message,
        }


def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def main():
    reply({'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__})
    case = None
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if 'case' in request:
                case = Case(request['case'])
                reply({'firstS': case.fit()})
            elif 'time' in request:
                reply({'s': case.fit()})
            else:
                reply(case.result())
        except Exception as e:  # a failing fit is a result of the baseline, reported, not a crash of the bench
            reply({'error': f'{type(e).__name__}: {e}'})
    reply({'maxRssMiB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})  # kB on Linux


if __name__ == '__main__':
    main()
