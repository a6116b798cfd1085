"""egraph_mc: gradients of matrix losses, derived and simplified by equality saturation in egglog."""

from egraph_mc.api import CostTable, GradientResult, compare_costs, optimize_gradient
from egraph_mc.check import CheckResult, check_gradient
from egraph_mc.hessian import HessianVectorResult, hessian_vector
from egraph_mc.models import NodeInfo
from egraph_mc.egraph import Limits, RunStats
from egraph_mc.errors import (
    DeclarationError,
    EgraphMcError,
    ExtractionError,
    InternalError,
    LimitError,
    NotScalarError,
    ParseError,
    ShapeError,
    UndeclaredSymbolError,
    UnsupportedSyntaxError,
    WrtError,
)

__all__ = [
    "CheckResult",
    "CostTable",
    "DeclarationError",
    "EgraphMcError",
    "ExtractionError",
    "GradientResult",
    "HessianVectorResult",
    "InternalError",
    "LimitError",
    "Limits",
    "NotScalarError",
    "NodeInfo",
    "ParseError",
    "RunStats",
    "ShapeError",
    "UndeclaredSymbolError",
    "UnsupportedSyntaxError",
    "WrtError",
    "check_gradient",
    "compare_costs",
    "hessian_vector",
    "optimize_gradient",
]
