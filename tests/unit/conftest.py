"""One local Ray instance for the job-runner tests of both backends (issue 23), started only when a test asks."""

import pytest


@pytest.fixture(scope="session")
def ray_local():
    """Ray on this machine, loopback only, 2 CPUs, a small object store; shut down after the session."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, namespace="anndl", object_store_memory=80 * 1024**2,
             _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.fixture(params=["local", "ray"])
def open_backend(request):
    """Makes runners of one backend: the local pool with one worker, or Ray running one job at a time."""

    def make(**kw):
        if request.param == "local":
            from anndl.jobs import JobRunner

            return JobRunner(workers=1, warm=(), **kw)
        request.getfixturevalue("ray_local")
        from anndl.jobs_ray import RayRunner

        return RayRunner(cpus=2, **kw)

    return make
