"""Bulk instance actions: one confirmation, then a result per instance."""


def test_bulk_stop_asks_once_then_reports_each(member_client, launch, driver):
    ids = launch(count=3, name="fleet")
    confirm = member_client.post("/instances/bulk/", {"action": "stop", "ids": ids})
    assert confirm.status_code == 200 and b"Stop 3 instances?" in confirm.content
    assert {driver.get_instance(i).state for i in ids} == {"running"}
    done = member_client.post("/instances/bulk/", {"action": "stop", "ids": ids,
                                                   "confirmed": "1"})
    assert [error for _, error in done.context["results"]] == ["", "", ""]
    assert {driver.get_instance(i).state for i in ids} <= {"stopping", "stopped"}


def test_bulk_terminate_gives_a_result_per_item(member_client, launch, driver):
    (mine,) = launch(name="doomed")
    missing = "i-0123456789abcdef0"
    done = member_client.post("/instances/bulk/", {"action": "terminate",
                                                   "ids": [mine, missing], "confirmed": "1"})
    results = dict(done.context["results"])
    assert results[mine] == "" and "does not exist" in results[missing]
    assert driver.get_instance(mine).state in {"shutting-down", "terminated"}
    html = done.content.decode()
    assert html.count('data-result="ok"') == 1 and html.count('data-result="failed"') == 1


def test_bulk_refuses_unknown_actions_and_empty_selections(member_client, launch):
    (instance_id,) = launch()
    assert member_client.post("/instances/bulk/", {"action": "resize",
                                                   "ids": [instance_id]}).status_code == 404
    assert member_client.post("/instances/bulk/", {"action": "explode",
                                                   "ids": [instance_id]}).status_code == 404
    empty = member_client.post("/instances/bulk/", {"action": "stop"}, follow=True)
    assert b"Select at least one instance" in empty.content


def test_bulk_cannot_touch_another_projects_instances(client, make_user, make_project, launch,
                                                      driver):
    (instance_id,) = launch()
    intruder = make_user("mallory")
    make_project("gamma", intruder)
    client.force_login(intruder)
    done = client.post("/instances/bulk/", {"action": "terminate", "ids": [instance_id],
                                            "confirmed": "1"})
    assert dict(done.context["results"])[instance_id]
    assert driver.get_instance(instance_id).state == "running"
