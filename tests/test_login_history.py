"""5.4: the student answers for keeping their login and password — every user sees the last
logins and failed tries of their own account, and what to do about one they do not recognise."""
from app.services.records.login_history import browser_in_words

PHONE = ("Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Mobile Safari/537.36")
YANDEX = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 YaBrowser/24.4.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")


def test_browser_in_words():
    assert browser_in_words(PHONE) == "Chrome 131, Android"
    assert browser_in_words(YANDEX) == "Яндекс Браузер 24, Windows"
    assert browser_in_words(IPHONE) == "Safari 17, iOS"
    assert browser_in_words("python-requests/2.32") == "python-requests"
    assert browser_in_words(None) == "—"


def _table(page: str) -> str:
    return page.split('id="logins"', 1)[1].split("</table>", 1)[0]


def test_student_sees_own_logins_and_failed_tries_not_others(app, college, login):
    stranger = app.test_client()
    wrong = stranger.post("/login/", data={"username": "student1", "password": "не тот"},
                          headers={"User-Agent": YANDEX})
    assert wrong.status_code in (200, 302)
    other = app.test_client()
    other.post("/login/", data={"username": "student2", "password": "не тот"},
               headers={"User-Agent": IPHONE})
    student = login("student1")
    page = student.get("/account/logins")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    rows = _table(text)
    assert "неудачный вход" in rows and "Яндекс Браузер 24, Windows" in rows
    assert rows.count("login-ok") == 1 and rows.count("login-failed") == 1
    assert "Safari 17, iOS" not in rows  # student2's failed try is not student1's business
    # a student changes no password (5.4): the way out is the curator
    assert "сообщить о проблеме с доступом" in text and "смена пароля" not in text


def test_staff_are_told_to_change_the_password_and_the_menu_links_the_page(college, login):
    teacher = login("teacher1")
    home = teacher.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account/logins"' in home
    text = teacher.get("/account/logins").get_data(as_text=True)
    assert "смените пароль" in text and _table(text).count("login-ok") == 1


def test_anonymous_is_sent_to_login(client, college):
    response = client.get("/account/logins")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
