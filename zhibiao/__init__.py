"""zhibiao (指标): evaluation rubrics in Chinese government notices -> verified indicator catalogues."""

__all__ = ["__version__"]

__version__ = "0.1.0"
