"""Integer codes shared by the numba kernels and the Python side (no numba import here)."""

# waveform shapes
CONSTANT, GAUSSIAN, DRAG, GAUSSIAN_SQUARE, COSINE_FLAT, SAMPLES = 0, 1, 2, 3, 4, 5
# a parametric waveform's parameter row: amp, angle, sigma, beta, width (flat part) or rise
P_AMP, P_ANGLE, P_SIGMA, P_BETA, P_WIDTH = 0, 1, 2, 3, 4
NUM_PARAMS = 5

# instruction kinds
PLAY, SHIFT_PHASE, SET_PHASE, SET_FREQUENCY, DELAY, ACQUIRE, BARRIER = 0, 1, 2, 3, 4, 5, 6
KIND_NAMES = ("play", "shift_phase", "set_phase", "set_frequency", "delay", "acquire",
              "barrier")
