import time


def handle(req):
    """handle a request to the function
    Args:
        req (str): request body
    """
    # OpenFaaS's classic python3 starter returns req; these two bodies add what a handler can
    # also do: raise, or run past exec_timeout.
    if req == "raise":
        raise ValueError("the handler raised")
    if req == "sleep":
        time.sleep(10)

    return req
