"""Install mmaction-mamp: ``pip install -e .`` (add ``[lite,tests]`` as needed)."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list[str]:
    """Requirement lines of ``requirements/<name>.txt`` without comments."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


version: dict = {}
exec((HERE / 'mmaction_mamp' / 'version.py').read_text(), version)

setup(
    name='mmaction-mamp',
    version=version['__version__'],
    description='MAMP (Masked Motion Predictors, ICCV 2023) for mmaction2',
    long_description=(HERE / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.9',
    packages=find_packages(include=['mmaction_mamp', 'mmaction_mamp.*']),
    package_data={'mmaction_mamp.apis': ['class_names/*.txt']},
    install_requires=read_requirements('runtime'),
    extras_require={
        'deploy': read_requirements('deploy'),
        'lite': read_requirements('lite'),
        'tests': read_requirements('tests'),
    },
    classifiers=[
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
