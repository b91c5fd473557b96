def test_instances_page_renders(member_client, launch):
    launch(name="smoke")
    response = member_client.get("/instances/")
    assert response.status_code == 200
    assert b"smoke" in response.content
