/** The commented template that **New Problem** opens: every construct of the language, ready to solve. */
export const NEW_PROBLEM_TEMPLATE = `# A new attention regression problem (see docs/regress-language.md).
# Loss: 0.5·‖rowsoftmax(A1·X·A2ᵀ) − B‖_F² — change 'normalized' to 'rescaled' for the rescaled loss,
# or 'attention' to 'softmax' for the vector form (names A, b, x0, xstar).
# For paper 1's in-context-learning experiment instead, a file starts with 'experiment icl' (docs/experiment.md).
problem attention normalized

n = 8          # document length (rows of A1, A2)
d = 4          # embedding dimension (X is d×d)
seed = 1       # every random generator below is reproducible from this seed

A1 = normal(scale = 0.5)
A2 = A1        # self-attention: the same data on both sides
Xstar = normal(scale = 1.0)
B = planted(Xstar)   # realisable target: B = rowsoftmax(A1·X*·A2ᵀ)
X0 = zeros

# Literal matrices work too, one row per line:
# X0 = [
#   0.1  0.0  0.0  0.0
#   0.0  0.1  0.0  0.0
#   0.0  0.0  0.1  0.0
#   0.0  0.0  0.0  0.1
# ]

# A self-attention data move A ← A + rowsoftmax(A·WQ·WKᵀ·Aᵀ/√k)·A·WV·WP, applied 'layers' times:
# k = 2
# layers = 1
# WQ = normal(scale = 0.3)   # d×k, like WK and WV
# WK = normal(scale = 0.3)
# WV = normal(scale = 0.3)
# WP = normal(scale = 0.3)   # k×d

# Extra checks with every solve: the in-context-learning bounds on each step, the tensor trick.
check bounds
# check tensor

solve gd lr = 2.0 steps = 1000
`;
